using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Core.Processes;

namespace Pgward.Core.Postgres;

/// <summary>Thin adapter over initdb and pg_ctl, run as the server account. Failures are returned, not thrown.</summary>
/// <param name="time">The clock of the wait for a stop (<see cref="StopAsync"/>); the system's when null.</param>
public sealed partial class PgCtl(PgBinaries binaries, string? runAs, IProcessRunner runner, TimeProvider? time = null)
{
    /// <summary>How often a stop looks whether the server is gone: 10 ms. pg_ctl's own wait (<c>-w</c>) looks every
    /// 100 ms, which a switchover spent in its write gap, 50 ms on average (BENCHMARKS.md, issue 17).</summary>
    public static readonly TimeSpan StopPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Extra time given to the process beyond pg_ctl's own <c>-t</c> wait, before it is killed.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan ShortCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>initdb -D DIR -U SUPERUSER [args]</c>; pass e.g. <c>["-A", "scram-sha-256", "--pwfile=FILE"]</c>.</summary>
    public Task<PgCtlResult> InitdbAsync(string dataDirectory, string superuser, IReadOnlyList<string> extraArguments,
        CancellationToken cancellationToken) =>
        RunAsync("initdb", "initdb", ["-D", dataDirectory, "-U", superuser, .. extraArguments],
            TimeSpan.FromMinutes(5), cancellationToken);

    /// <summary>
    /// <c>pg_ctl -w -t N -D DIR -l LOG [options] start</c>: waits until the server accepts connections. When it does not, the
    /// result carries the last lines the server logged (<see cref="PgCtlResult.ServerLog"/>), since pg_ctl itself only
    /// says "Examine the log output."
    /// </summary>
    /// <remarks>pg_ctl looks every 100 ms, and a standby that stopped cleanly is ready sooner than that: a switchover
    /// waited most of 100 ms for it. So <c>postmaster.pid</c> is also looked at here, every <see cref="StopPoll"/>, on
    /// pg_ctl's terms (<see cref="PostmasterPid.ReadyRunningPid"/>); the first to see the server ready answers. pg_ctl still
    /// starts the server and tells a postmaster that failed (it knows its PID); once the server is seen ready, it ends by
    /// itself at its next look, no longer tied to <paramref name="cancellationToken"/> (a cancelled wait kills its whole
    /// process tree, which holds the postmaster until pg_ctl exits).</remarks>
    /// <param name="options">More of pg_ctl's options (<c>pg_ctl_options</c>, <see cref="PgCtlOptions"/>).</param>
    public async Task<PgCtlResult> StartAsync(ServerDirectories server, string logFile, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlyList<string>? options = null)
    {
        var dataDirectory = server.Data;
        var clock = time ?? TimeProvider.System;
        var logged = File.Exists(logFile) ? new FileInfo(logFile).Length : 0;
        var launched = clock.GetUtcNow();
        // A server that already ran is pg_ctl's to refuse ("another server might be running"), not ready for this start.
        var running = PostmasterPid.RunningPid(dataDirectory);
        string[] arguments = ["-w", "-t", Seconds(timeout), "-D", server.ForPgCtl, "-l", logFile, .. options ?? [], "start"];
        // pg_ctl's own token, cancelled by the caller's only while this waits: a cancelled run kills pg_ctl's process
        // tree, and until pg_ctl exits that tree holds the postmaster (an agent stopped just after a fence's start
        // killed the read-only server it had started, FenceTests). A linked source would stay linked after the return.
        var waiting = new CancellationTokenSource();
        var link = cancellationToken.Register(static source => ((CancellationTokenSource)source!).Cancel(), waiting);
        var run = RunAsync("pg_ctl start", "pg_ctl", arguments, timeout + Slack, waiting.Token);
        while (!run.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            // Unlinked, then left to end by itself at its next look (and disposed with it); unless the caller's
            // cancellation came first, which has killed it.
            if (PostmasterPid.ReadyRunningPid(dataDirectory, launched) is { } ready && ready != running
                && await UnlinkAsync(link, waiting).ConfigureAwait(false))
            {
                _ = run.ContinueWith(_ => waiting.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                return new PgCtlResult("pg_ctl start", new ProcessResult(0, "server started\n", "", TimedOut: false)
                {
                    CommandLine = string.Join(' ', [binaries.Tool("pg_ctl"), .. arguments]),
                });
            }
            await Task.WhenAny(run, Task.Delay(StopPoll, clock, cancellationToken)).ConfigureAwait(false);
        }
        PgCtlResult result;
        try
        {
            result = await run.ConfigureAwait(false);
        }
        finally
        {
            await link.DisposeAsync().ConfigureAwait(false);
            waiting.Dispose();
        }
        return result.Succeeded ? result : result with { ServerLog = ServerLogTail.Read(dataDirectory, logFile, logged) };
    }

    /// <summary>Ends the link between the caller's token and pg_ctl's; whether pg_ctl's was not cancelled by then.</summary>
    private static async Task<bool> UnlinkAsync(CancellationTokenRegistration link, CancellationTokenSource waiting)
    {
        await link.DisposeAsync().ConfigureAwait(false);
        return !waiting.IsCancellationRequested;
    }

    /// <summary>
    /// <c>pg_ctl -W -D DIR -m MODE stop</c>, then the wait of <c>pg_ctl -w -t N</c> done here every <see cref="StopPoll"/>,
    /// on pg_ctl's own terms: stopped once <c>postmaster.pid</c> is gone; failed (as pg_ctl, "server does not shut down")
    /// when the postmaster died and left the file, or after <paramref name="timeout"/>. pg_ctl still checks that a server
    /// runs and signals it, with its own messages when it cannot.
    /// </summary>
    public async Task<PgCtlResult> StopAsync(ServerDirectories server, ShutdownMode mode, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var signalled = await RunAsync("pg_ctl stop", "pg_ctl",
            ["-W", "-D", server.ForPgCtl, "-m", mode.ToString().ToLowerInvariant(), "stop"],
            ShortCommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!signalled.Succeeded || await StoppedAsync(server.Data, timeout, cancellationToken).ConfigureAwait(false))
        {
            return signalled;
        }
        return signalled with
        {
            Process = signalled.Process with
            {
                ExitCode = 1,
                StandardError = signalled.Process.StandardError + $"pg_ctl: server does not shut down (waited {Seconds(timeout)} s)\n",
            },
        };
    }

    /// <summary>pg_ctl's wait for a stop (<c>wait_for_postmaster_stop</c>): true once <c>postmaster.pid</c> is gone; false
    /// when its postmaster died and left it there, or when <paramref name="timeout"/> passed.</summary>
    private async Task<bool> StoppedAsync(string dataDirectory, TimeSpan timeout, CancellationToken ct)
    {
        var died = false;
        var gone = await Waiting.UntilAsync(_ =>
        {
            if (PostmasterPid.Read(dataDirectory) is not { } pid)
            {
                return Task.FromResult(true);
            }
            if (PostmasterPid.ProcessAlive(pid))
            {
                return Task.FromResult(false);
            }
            // Looked at again after the process: a postmaster that just exited removed its file before.
            died = PostmasterPid.Read(dataDirectory) is not null;
            return Task.FromResult(true);
        }, timeout, StopPoll, time ?? TimeProvider.System, ct).ConfigureAwait(false);
        return gone && !died;
    }

    /// <summary><c>pg_ctl -D DIR reload</c>: the server rereads its configuration files.</summary>
    public Task<PgCtlResult> ReloadAsync(ServerDirectories server, CancellationToken cancellationToken) =>
        RunAsync("pg_ctl reload", "pg_ctl", ["-D", server.ForPgCtl, "reload"], ShortCommandTimeout, cancellationToken);

    /// <summary><c>pg_ctl -w -t N -D DIR promote</c>: waits until the standby has left recovery.</summary>
    public Task<PgCtlResult> PromoteAsync(ServerDirectories server, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync("pg_ctl promote", "pg_ctl", ["-w", "-t", Seconds(timeout), "-D", server.ForPgCtl, "promote"],
            timeout + Slack, cancellationToken);

    /// <summary><c>pg_ctl -D DIR status</c>. Exit 0 means running; 3 not running; 4 no usable data directory.</summary>
    public async Task<PgCtlStatus> StatusAsync(ServerDirectories server, CancellationToken cancellationToken)
    {
        var result = await RunAsync("pg_ctl status", "pg_ctl", ["-D", server.ForPgCtl, "status"], ShortCommandTimeout,
            cancellationToken).ConfigureAwait(false);
        var running = result.Process.ExitCode == 0 && !result.Process.TimedOut;
        var pid = running ? ParseStatusPid(result.Process.StandardOutput) ?? PostmasterPid.Read(server.Data) : null;
        return new PgCtlStatus(running, pid, result);
    }

    /// <summary>PID from "pg_ctl: server is running (PID: 1234)".</summary>
    public static int? ParseStatusPid(string statusOutput)
    {
        var match = StatusPidPattern().Match(statusOutput);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"\(PID: (\d+)\)")]
    private static partial Regex StatusPidPattern();

    private static string Seconds(TimeSpan timeout) =>
        ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private async Task<PgCtlResult> RunAsync(string action, string tool, IReadOnlyList<string> arguments,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var request = new ProcessRequest(binaries.Tool(tool), arguments) { RunAs = runAs, Timeout = timeout };
        var result = await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        return new PgCtlResult(action, result);
    }
}
