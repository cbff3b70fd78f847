using Pgward.Agent;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Daemon;

/// <summary><c>daemon start</c> and <c>daemon stop</c>: <c>pgward daemon run</c> as a background process with a PID file.</summary>
/// <param name="backupServer">A backup server's daemon (WAL streaming) has no HTTP agent: it counts as started once it
/// has run for <see cref="BackupServerSettle"/> without exiting.</param>
public sealed class DaemonProcess(OperationContext ctx, DaemonFiles files, IReadOnlyList<string> executable, bool backupServer = false)
{
    /// <summary>How long a backup server's daemon must keep running for <c>daemon start</c> to report it started: 1 s.</summary>
    public static readonly TimeSpan BackupServerSettle = TimeSpan.FromSeconds(1);

    /// <summary>How long <c>daemon start</c> waits for the agent to answer <c>/liveness</c>: 30 s.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Where this node's agent is reached from this host (a wildcard listen address is reached on 127.0.0.1).</summary>
    public string LocalUrl => AgentHost.ListenUrl(ctx.Options.AgentAddress is "0.0.0.0" or "::" or "*"
        ? ctx.Options with { AgentAddress = "127.0.0.1" }
        : ctx.Options);

    public async Task<Outcome> StartAsync(CancellationToken ct)
    {
        if (RunningPid() is { } running)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"the daemon already runs (PID {running}, PID file {files.PidFile})");
        }
        using var client = new AgentClient(ctx.Options with { AgentToken = "" }, ctx.Time);
        if (backupServer)
        {
            return await StartBackupServerAsync(ct);
        }
        if (NodeDirectoryClaim.Refusal(ctx.Options) is { } refusal)
        {
            return Outcome.Fail(ExitCodes.BadConfig, refusal, hint: NodeDirectoryClaim.Fix(ctx.Options.ConfigFile));
        }
        if ((await client.GetHealthAsync(LocalUrl, "liveness", ct, TimeSpan.FromSeconds(1))).Reachable)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"an agent already answers on {LocalUrl}",
                hint: "stop it first, or change agent_port in pgward.conf");
        }
        var pid = await SpawnAsync(ct);
        if (pid is null)
        {
            return Outcome.Fail(ExitCodes.LocalCommand, "unable to start the daemon in the background", detail: LogTail());
        }
        files.WritePid(pid.Value);
        var deadline = ctx.Time.GetTimestamp();
        while (ctx.Time.GetElapsedTime(deadline) < StartTimeout)
        {
            if (!PostmasterPid.ProcessAlive(pid.Value))
            {
                files.RemovePid();
                return Outcome.Fail(ExitCodes.LocalCommand, $"the daemon (PID {pid}) exited during start", detail: LogTail());
            }
            if ((await client.GetHealthAsync(LocalUrl, "liveness", ct, TimeSpan.FromSeconds(1))).Succeeded)
            {
                ctx.Reporter.Notice($"daemon started (PID {pid}), agent listening on {LocalUrl}, log {files.LogFile}");
                return Outcome.Ok;
            }
            await Task.Delay(PollInterval, ctx.Time, ct);
        }
        return Outcome.Fail(ExitCodes.AgentUnavailable, $"the daemon (PID {pid}) runs but its agent did not answer on {LocalUrl} within {StartTimeout.TotalSeconds} s",
            detail: LogTail());
    }

    private async Task<Outcome> StartBackupServerAsync(CancellationToken ct)
    {
        var pid = await SpawnAsync(ct);
        if (pid is null)
        {
            return Outcome.Fail(ExitCodes.LocalCommand, "unable to start the daemon in the background", detail: LogTail());
        }
        files.WritePid(pid.Value);
        await Task.Delay(BackupServerSettle, ctx.Time, ct);
        if (!PostmasterPid.ProcessAlive(pid.Value))
        {
            files.RemovePid();
            return Outcome.Fail(ExitCodes.LocalCommand, $"the daemon (PID {pid}) exited during start", detail: LogTail());
        }
        ctx.Reporter.Notice($"backup server daemon started (PID {pid}), streaming WAL; log {files.LogFile}");
        return Outcome.Ok;
    }

    public async Task<Outcome> StopAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (RunningPid() is not { } pid)
        {
            ctx.Reporter.Notice("the daemon is not running");
            return Outcome.Ok;
        }
        Signals.Send(pid, Signals.SigTerm);
        var start = ctx.Time.GetTimestamp();
        while (PostmasterPid.ProcessAlive(pid))
        {
            if (ctx.Time.GetElapsedTime(start) >= timeout)
            {
                ctx.Reporter.Warning($"the daemon (PID {pid}) did not stop within {timeout.TotalSeconds} s: killing it");
                Signals.Send(pid, Signals.SigKill);
                start = ctx.Time.GetTimestamp();
                timeout = TimeSpan.FromSeconds(5);
            }
            await Task.Delay(PollInterval, ctx.Time, ct);
        }
        files.RemovePid();
        ctx.Reporter.Notice($"daemon stopped (PID {pid})");
        return Outcome.Ok;
    }

    /// <summary>
    /// The PID in the PID file when that process runs and is a pgward daemon; a stale file (the process gone, or the
    /// PID reused by another program) is removed.
    /// </summary>
    public int? RunningPid()
    {
        if (files.ReadPid() is not { } pid)
        {
            return null;
        }
        if (PostmasterPid.ProcessAlive(pid) && IsDaemon(pid))
        {
            return pid;
        }
        files.RemovePid();
        return null;
    }

    private static bool IsDaemon(int pid)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return arguments.Contains("daemon") && arguments.Contains("run");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // setsid detaches the daemon from the terminal's session (Ctrl-C there must not reach it); the shell's background
    // job is not a process-group leader, so setsid execs in place and $! is the daemon's PID.
    private async Task<int?> SpawnAsync(CancellationToken ct)
    {
        const string Script = "log=$1; shift; cd / && setsid \"$@\" >>\"$log\" 2>&1 </dev/null & echo $!";
        files.PrepareLog();
        var arguments = new List<string> { "-c", Script, "sh", files.LogFile };
        arguments.AddRange(executable);
        arguments.AddRange(["-f", ctx.Options.ConfigFile!, "daemon", "run"]);
        var result = await ctx.Processes.RunAsync(new ProcessRequest("/bin/sh", arguments) { Timeout = TimeSpan.FromSeconds(10) }, ct);
        return result.Succeeded && int.TryParse(result.StandardOutput.Trim(), out var pid) ? pid : null;
    }

    private string? LogTail()
    {
        try
        {
            var lines = File.ReadAllLines(files.LogFile);
            return $"last lines of {files.LogFile}:\n" + string.Join('\n', lines.TakeLast(10));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
