using Pgward.Core.Processes;
using Xunit;

namespace Pgward.UnitTests.Processes;

public sealed class PgwardExecutableTests
{
    [Fact]
    public void PGWARD_EXECUTABLE_names_the_executable_when_set() =>
        Assert.Equal(["/opt/pgward/bin/pgward"],
            PgwardExecutable.Resolve(name => name == "PGWARD_EXECUTABLE" ? "/opt/pgward/bin/pgward" : null));

    [Fact]
    public void Otherwise_this_process_runs_itself_again_and_dotnet_with_the_assembly()
    {
        var executable = PgwardExecutable.Resolve(_ => null);
        Assert.Equal(Environment.ProcessPath, executable[0]);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            Assert.EndsWith("pgward.dll", executable[1], StringComparison.Ordinal);
        }
        // An empty variable is as good as none.
        Assert.Equal(executable, PgwardExecutable.Resolve(name => name == "PGWARD_EXECUTABLE" ? "" : null));
    }
}
