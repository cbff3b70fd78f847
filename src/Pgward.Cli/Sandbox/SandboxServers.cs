using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;

namespace Pgward.Cli.Sandbox;

/// <summary>Starts and stops the sandbox's servers with pg_ctl, as the server's OS user.</summary>
public sealed class SandboxServers(PgCtl pgCtl)
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public static (SandboxServers? Servers, ServerAccount? Account, string? Problem) Create()
    {
        var runner = new ProcessRunner();
        var binaries = PgBinaries.Locate(null);
        if (!binaries.Found)
        {
            return (null, null, binaries.Problem);
        }
        var account = ServerAccount.Detect(runner);
        if (!account.Found)
        {
            return (null, null, account.Problem);
        }
        return (new SandboxServers(new PgCtl(binaries.Binaries, account.Account.UserName, runner)), account.Account, null);
    }

    public PgCtl PgCtl => pgCtl;

    /// <summary>The postmaster PID serving the node's data directory, or null when it does not run.</summary>
    public static int? RunningPid(NodeOptions node) => PostmasterPid.RunningPid(node.DataDirectory);

    /// <summary>The PID of the node's agent (<c>pgward daemon start</c>), or null when it does not run.</summary>
    public static int? AgentPid(NodeOptions node) =>
        Daemon.DaemonFiles.For(node).ReadPid() is { } pid && PostmasterPid.ProcessAlive(pid) ? pid : null;

    public Task<PgCtlResult> StartAsync(NodeOptions node, CancellationToken ct) =>
        pgCtl.StartAsync(new(node.DataDirectory), SandboxLayout.LogFile(node), StartTimeout, ct);

    /// <summary>
    /// Stops a node: a fast shutdown, then an immediate one, then SIGKILL of the postmaster PID it had, so that
    /// nothing is left running. Returns what happened, for the report.
    /// </summary>
    public async Task<string> StopAsync(NodeOptions node, CancellationToken ct)
    {
        if (RunningPid(node) is not { } pid)
        {
            return "not running";
        }
        var fast = await pgCtl.StopAsync(new(node.DataDirectory), ShutdownMode.Fast, StopTimeout, ct);
        if (fast.Succeeded && !PostmasterPid.ProcessAlive(pid))
        {
            return $"stopped (PID {pid})";
        }
        await pgCtl.StopAsync(new(node.DataDirectory), ShutdownMode.Immediate, StopTimeout, ct);
        if (!PostmasterPid.ProcessAlive(pid))
        {
            return $"stopped with an immediate shutdown (PID {pid})";
        }
        using var process = System.Diagnostics.Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
        return $"killed (PID {pid}): {fast.Describe()}";
    }
}
