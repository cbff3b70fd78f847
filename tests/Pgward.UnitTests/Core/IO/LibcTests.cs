using Pgward.Core.IO;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Core.IO;

public sealed class LibcTests
{
    [Fact]
    public void Written_data_dropped_from_the_cache_reads_back_the_same()
    {
        using var dir = new TempDirectory();
        var path = dir.File("stored");
        var content = new byte[3 << 20];
        new Random(42).NextBytes(content);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(content);
            file.Flush();
            Assert.True(Libc.StartWriteback(file.SafeFileHandle, 0, 2 << 20));
            // A part, then the rest: the calls take any range of the file.
            Assert.True(Libc.DropWritten(file.SafeFileHandle, 0, 1 << 20));
            Assert.True(Libc.DropWritten(file.SafeFileHandle, 1 << 20, content.Length - (1 << 20)));
        }
        Assert.Equal(content, File.ReadAllBytes(path));
    }
}
