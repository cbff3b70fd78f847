using Pgward.Core.Postgres;
using Pgward.Core.Processes;

namespace Pgward.Cluster.Rejoin;

/// <summary>pg_controldata and pg_rewind on the local data directory, run as the server's OS user in the C locale
/// (their messages are parsed).</summary>
public sealed class RewindTool(LocalServer local, IProcessRunner processes)
{
    private static readonly TimeSpan ControlDataTimeout = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string> CLocale = new() { ["LC_ALL"] = "C", ["LANG"] = "C" };

    public async Task<(ControlData? Data, string? Problem)> ReadControlDataAsync(CancellationToken ct)
    {
        var result = await RunAsync("pg_controldata", ["-D", local.DataDirectory], ControlDataTimeout, ct);
        return result.Succeeded ? ControlData.Parse(result.StandardOutput) : (null, result.Describe());
    }

    /// <summary><c>pg_rewind --dry-run</c>: says whether a rewind is needed and possible, writing nothing.</summary>
    public async Task<RewindProbe> DryRunAsync(Conninfo source, TimeSpan timeout, CancellationToken ct)
    {
        var result = await RunAsync("pg_rewind", Arguments(source, dryRun: true), timeout, ct);
        return RewindProbe.Parse(result.Succeeded, result.StandardOutput + result.StandardError);
    }

    /// <summary>pg_rewind for real; no timeout of its own (it copies as much as it must), cancellation stops it.</summary>
    public Task<ProcessResult> RewindAsync(Conninfo source, CancellationToken ct) =>
        RunAsync("pg_rewind", Arguments(source, dryRun: false), timeout: null, ct);

    /// <summary>The pg_rewind command line, for messages.</summary>
    public string Describe(Conninfo source) =>
        CommandLine.Format(local.Binaries.Tool("pg_rewind"), Arguments(source.ToMaskedString(), dryRun: false));

    private List<string> Arguments(Conninfo source, bool dryRun) => Arguments(source.ToString(), dryRun);

    private List<string> Arguments(string source, bool dryRun)
    {
        var args = new List<string> { $"--target-pgdata={local.DataDirectory}", $"--source-server={source}" };
        if (local.Directories.Config is not null)
        {
            // pg_rewind runs the target in single-user mode to finish its crash recovery first: it needs the
            // configuration, which is not in the data directory.
            args.Add($"--config-file={local.Directories.ConfigFile}");
        }
        if (dryRun)
        {
            args.Add("--dry-run");
        }
        return args;
    }

    private Task<ProcessResult> RunAsync(string tool, IReadOnlyList<string> args, TimeSpan? timeout, CancellationToken ct) =>
        processes.RunAsync(new ProcessRequest(local.Binaries.Tool(tool), args)
        {
            RunAs = local.Account.UserName,
            Timeout = timeout,
            Environment = CLocale,
        }, ct);
}
