using Pgward.Cli;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>Runs the real command tree in-process, with its own output writers, as the executable would.</summary>
public static class PgwardCli
{
    public static Task<CliRun> RunAsync(CancellationToken ct, params string[] args) => RunAsync(_ => null, ct, args);

    /// <summary>With environment variables, e.g. <c>PGWARD_EXECUTABLE</c> for commands that start a daemon.</summary>
    public static async Task<CliRun> RunAsync(Func<string, string?> environment, CancellationToken ct, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var env = new CliEnvironment(output, error, environment, Path.GetTempPath(), TimeProvider.System, IsTerminal: false);
        var code = await PgwardApp.RunAsync(args, env, ct);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
