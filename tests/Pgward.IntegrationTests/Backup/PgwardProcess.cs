using Pgward.Core.Processes;
using Pgward.IntegrationTests.Cluster;

namespace Pgward.IntegrationTests.Backup;

/// <summary>
/// Runs pgward's executable (<see cref="TestPgward.Executable"/>) as a child process, as a user would: what it writes into a
/// restored directory (restore_command = '.../pgward -f ... backup wal-restore %f %p') names the real executable,
/// which the server then runs as its own OS user.
/// </summary>
public static class PgwardProcess
{
    public static string Executable => TestPgward.Executable;

    public static async Task<CliRun> RunAsync(CancellationToken ct, params string[] args)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest(Executable, args) { Timeout = TimeSpan.FromMinutes(2) }, ct);
        return new CliRun(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
