using Pgward.Core.Postgres;
using Pgward.IntegrationTests.Harness;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Processes;

/// <summary><see cref="PgBinaries.Locate(string?)"/> against fake <c>postgres</c> binaries (shell scripts).</summary>
public sealed class PgBinariesProbeTests : PgIntegrationTest
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Locate_reads_a_version_printed_after_more_than_64_KiB_of_stderr()
    {
        var bin = FakeBinaries("head -c 200000 /dev/zero | tr '\\0' x >&2\necho 'postgres (PostgreSQL) 15.4'");

        var lookup = await LocateAsync(bin, TimeSpan.FromSeconds(10));

        Assert.True(lookup.Found, lookup.Problem);
        Assert.Equal(15, lookup.Binaries!.MajorVersion);
    }

    [Fact]
    public async Task Locate_kills_a_probe_that_outlives_its_timeout_and_says_so()
    {
        var bin = FakeBinaries("sleep 60\necho 'postgres (PostgreSQL) 15.4'");
        var started = TimeProvider.System.GetTimestamp();

        var lookup = await LocateAsync(bin, TimeSpan.FromMilliseconds(500));

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"Locate took {elapsed}");
        Assert.False(lookup.Found);
        Assert.Contains($"\"{Path.Combine(bin, "postgres")} --version\" did not finish within 0.5 s and was killed", lookup.Problem,
            StringComparison.Ordinal);
        Assert.Equal("", await PostgresProcesses.WaitUntilNoneAsync(bin, TimeSpan.FromSeconds(5), Token));
    }

    // On a thread of its own: before the fix, a probe blocked for ever, and the test must end at its own deadline.
    private async Task<PgBinariesLookup> LocateAsync(string bin, TimeSpan probeTimeout) =>
        await Task.Run(() => PgBinaries.Locate(bin, probeTimeout), Token).WaitAsync(Hang, Token);

    private string FakeBinaries(string body)
    {
        var bin = Path.Combine(Directory.Path, "fake-bin");
        System.IO.Directory.CreateDirectory(bin);
        var postgres = Path.Combine(bin, "postgres");
        File.WriteAllText(postgres, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(postgres, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }
}
