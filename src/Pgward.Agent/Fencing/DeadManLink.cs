using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Pgward.Agent.Failover;
using Pgward.Cluster;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.IO;
using Pgward.Core.Processes;

namespace Pgward.Agent.Fencing;

/// <summary>
/// The agent's side of its <see cref="DeadManSwitch"/>: starts the switch (or takes over the one an earlier agent left
/// running), publishes the lease deadline after every decision, and starts the switch again when it dies or stops
/// answering. The switch is a separate process on purpose: whatever stops this agent leaves it running.
/// </summary>
public sealed class DeadManLink : IDisposable
{
    /// <summary>A switch whose alive stamp is older than this is frozen (or gone): 1 s.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromSeconds(1);

    /// <summary>How long a switch just started may take before it stamps itself alive: 10 s (a JIT start on a loaded
    /// host). Also how long the agent lets its server be a primary with no switch registered (<see cref="Fenceable"/>).</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(10);

    /// <summary>How often the agent checks its switch while the switch is armed (its server is a primary that may take
    /// writes): 500 ms. A switch this agent started that dies is seen at once (<see cref="Process.Exited"/>), not at
    /// the next check; what the checks find besides is a switch that froze, which takes <see cref="Stale"/> (1 s) to
    /// tell from a slow one, or one an earlier agent started. Five checks a second were a sixth of an idle primary
    /// agent's wake-ups (BENCHMARKS.md, issue 17).</summary>
    private static readonly TimeSpan SupervisePeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>How soon the agent checks again a switch it found silent, before it replaces it: 200 ms.</summary>
    private static readonly TimeSpan SilentRecheck = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the agent checks its switch while the switch is disarmed (a standby's, a fenced primary's):
    /// 1 s. A switch that dies then leaves no writable server unwatched; until it is replaced the node does not stand
    /// for election (<see cref="Fenceable"/>), and it is checked again the moment it is armed. Five checks a second
    /// were a tenth of an idle standby agent's wake-ups (BENCHMARKS.md, issue 17).</summary>
    private static readonly TimeSpan DisarmedSupervisePeriod = TimeSpan.FromSeconds(1);

    private readonly OperationContext ctx;
    private readonly DeadManState state;
    private readonly ILogger logger;
    // Set when the switch is armed (a promotion, a primary restarted: the disarmed round is slow) and when the switch
    // this agent started exits: the supervision checks at once.
    private readonly WakeSignal wake = new();
    private Process? started;
    // When the switch was first seen not answering: a host that thaws resumes the agent and the switch together, and
    // the agent may look before the switch has stamped itself; it is replaced only if it stays silent a round longer.
    private long? silentSince;
    private long startedAt;
    private long seenFiredAt;
    // The failover loop's: since when no switch has been registered (Fenceable), and whether that was reported.
    private long? missingSince;
    private bool missingReported;
    // The last reason a switch could not be started, logged once until a start succeeds.
    private string? lastSpawnError;
    private readonly LeaseMargins margins = new();

    private DeadManLink(OperationContext ctx, DeadManState state, ILogger logger)
    {
        this.ctx = ctx;
        this.state = state;
        this.logger = logger;
        seenFiredAt = state.FiredAt;
    }

    /// <summary>Opens the node's state file, claims it for this agent and makes sure a switch runs.</summary>
    public static DeadManLink Attach(OperationContext ctx, ILogger logger)
    {
        var state = DeadManState.Open(ctx.Options.ConfigFile, ctx.Options.DataDirectory);
        state.AgentPid = Environment.ProcessId;
        if (state.Mode == DeadManMode.Exit)
        {
            // The agent before this one stopped cleanly: a switch still running (or the one started next) stays.
            state.Mode = DeadManMode.Disarmed;
        }
        var link = new DeadManLink(ctx, state, logger);
        link.EnsureRunning();
        return link;
    }

    /// <summary>
    /// Tells the switch what to watch: armed while the local server may be a writable primary, with the instant its
    /// lease lapses on this host's monotonic clock. A past (or unknown) instant while armed stops the server at once.
    /// A renewal that came with little of the lease left is said in the log (<see cref="LeaseMargins"/>).
    /// </summary>
    /// <param name="postmasterPid">The postmaster seen writable that the deadline applies to; 0 for whichever runs.</param>
    /// <returns>Whether this renewed the lease late (<see cref="LeaseMargins.Low"/>), for the agent's metrics.</returns>
    public bool Publish(bool armed, DateTimeOffset allowedUntil, DateTimeOffset now, int postmasterPid = 0)
    {
        if (!armed)
        {
            state.Mode = DeadManMode.Disarmed;
            return false;
        }
        var wasArmed = state.Mode == DeadManMode.Armed;
        var previous = state.Deadline;
        var stamp = ctx.Time.GetTimestamp();
        var deadline = Deadline(allowedUntil, now, stamp, ctx.Time.TimestampFrequency);
        state.Arm(deadline, postmasterPid);
        if (!wasArmed)
        {
            wake.Set(); // the supervision, in its slow round, checks the switch now
            return false;
        }
        return RenewalMargin(previous, deadline, stamp, ctx.Time.TimestampFrequency) is { } margin && Renewed(margin, stamp);
    }

    /// <summary>How much of the lease that lapsed at <paramref name="previous"/> was left when <paramref name="deadline"/>
    /// replaced it at <paramref name="stamp"/> (negative once it had lapsed); null when that was no renewal (the same
    /// deadline again, an earlier one, or none before: 0, or <see cref="long.MaxValue"/> for an unguarded primary).</summary>
    public static TimeSpan? RenewalMargin(long previous, long deadline, long stamp, long frequency) =>
        deadline > previous && previous is > 0 and < long.MaxValue
            ? TimeSpan.FromSeconds((double)(previous - stamp) / frequency)
            : null;

    /// <summary>Notes a renewal with <paramref name="margin"/> left, and says late ones (<see cref="LeaseMargins"/>):
    /// whether this one was late.</summary>
    private bool Renewed(TimeSpan margin, long stamp)
    {
        if (margins.Renewed(margin, TimeSpan.FromSeconds((double)stamp / ctx.Time.TimestampFrequency)) is var (count, smallest))
        {
            DeadManLog.RenewedLate(logger, smallest >= TimeSpan.Zero ? $"with only {smallest.TotalMilliseconds:0} ms left"
                : $"{-smallest.TotalMilliseconds:0} ms after it had lapsed", count);
        }
        return margin < LeaseMargins.Low;
    }

    /// <summary>The monotonic timestamp that corresponds to <paramref name="allowedUntil"/> on the wall clock.</summary>
    public static long Deadline(DateTimeOffset allowedUntil, DateTimeOffset now, long timestamp, long frequency)
    {
        if (allowedUntil == DateTimeOffset.MaxValue)
        {
            return long.MaxValue;
        }
        if (allowedUntil <= now)
        {
            return 0;
        }
        return timestamp + (long)((allowedUntil - now).TotalSeconds * frequency);
    }

    /// <summary>The deadline the switch holds from an earlier agent, on the wall clock; null when it is not armed. A
    /// restarted agent gives its primary no longer than this before a majority acknowledges it.</summary>
    public DateTimeOffset? PreviousDeadline(DateTimeOffset now)
    {
        if (state.Mode != DeadManMode.Armed)
        {
            return null;
        }
        var deadline = state.Deadline;
        return deadline == long.MaxValue ? DateTimeOffset.MaxValue
            : now + TimeSpan.FromSeconds((double)(deadline - ctx.Time.GetTimestamp()) / ctx.Time.TimestampFrequency);
    }

    /// <summary>Whether a switch has registered (its PID is in the state file) and answered within <see cref="Stale"/>:
    /// only then may the commit lease confirm anything, for only then would the server be stopped at the lease's end if
    /// this agent stopped.</summary>
    public bool Registered => state.SwitchPid > 0 && Age(state.SwitchAlive) <= Stale;

    /// <summary>
    /// Whether the server has a switch to stop it (<see cref="Pgward.Failover.LocalStatus.Fenceable"/>): one is
    /// registered, or none has been for less than a switch may take to start (10 s). Past that the node steps aside as
    /// a primary and does not stand; said once in the agent's log, and again when a switch runs. For the failover loop only.
    /// </summary>
    public bool Fenceable()
    {
        if (Registered)
        {
            missingSince = null;
            if (missingReported)
            {
                missingReported = false;
                DeadManLog.Registered(logger, state.SwitchPid);
            }
            return true;
        }
        missingSince ??= ctx.Time.GetTimestamp();
        var missing = Age(missingSince.Value);
        if (missing < StartGrace)
        {
            return true;
        }
        if (!missingReported)
        {
            missingReported = true;
            DeadManLog.Missing(logger, missing.TotalSeconds, ConfigFiles.Beside(ctx.Options.ConfigFile, "pgward-deadman.log"));
        }
        return false;
    }

    /// <summary>Whether the switch stopped the server and no agent has started it since: the agent starts it again,
    /// read-only (the guard), as its own fence would.</summary>
    public bool StoppedServer => state.FiredAt != 0;

    /// <summary>The agent started the server the switch had stopped.</summary>
    public void ServerRestarted()
    {
        state.FiredAt = 0;
        seenFiredAt = 0;
    }

    /// <summary>The agent stops with nothing left to guard (a standby, a primary handed over or detached): the switch
    /// ends. Not called when the agent stops with a writable primary it could not hand over: then the switch stops the
    /// server at the lease's end.</summary>
    public void Release() => state.Mode = DeadManMode.Exit;

    /// <summary>How long a stopping agent waits for its released switch to end: 2 s (it looks every 250 ms).</summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(2);

    /// <summary>Waits (at most 2 s) until a released switch has ended, so that an agent's stop leaves no process of
    /// its own behind, writing to its log.</summary>
    public async Task WaitForExitAsync(CancellationToken ct)
    {
        var started = ctx.Time.GetTimestamp();
        while (state.Mode == DeadManMode.Exit && state.SwitchPid > 0 && PostmasterPid.ProcessAlive(state.SwitchPid)
               && ctx.Time.GetElapsedTime(started) < ExitWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), ctx.Time, ct);
        }
    }

    /// <summary>Checks the switch every 500 ms while it is armed, every second while it is not, 200 ms after it found it
    /// silent, and at once when the switch it started exits; starts another when it is gone or frozen; reports a server
    /// the switch stopped. Ends with the token.</summary>
    public async Task SuperviseAsync(CancellationToken ct)
    {
        var checkedAt = ctx.Time.GetUtcNow();
        while (!ct.IsCancellationRequested)
        {
            var wait = WaitBeforeCheck(checkedAt, ctx.Time.GetUtcNow(), state.Mode == DeadManMode.Armed, silentSince is not null);
            try
            {
                // Woken when the switch is armed or exits: checked now, then every 500 ms from now.
                await wake.WaitAsync(wait, ctx.Time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            checkedAt = ctx.Time.GetUtcNow();
            EnsureRunning();
            if (state.FiredAt != seenFiredAt)
            {
                seenFiredAt = state.FiredAt;
                DeadManLog.FoundFired(logger, Age(seenFiredAt).TotalMilliseconds);
            }
        }
    }

    /// <summary>How long the supervision waits before its next check of the switch, the last one made at
    /// <paramref name="checkedAt"/>: 200 ms after it when that check found the switch <paramref name="silent"/>, else
    /// 500 ms after it while <paramref name="armed"/>, a second after it while not; none when that is past.</summary>
    internal static TimeSpan WaitBeforeCheck(DateTimeOffset checkedAt, DateTimeOffset now, bool armed, bool silent = false)
    {
        var period = silent ? SilentRecheck : armed ? SupervisePeriod : DisarmedSupervisePeriod;
        var wait = checkedAt + period - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>Starts a switch unless a live one answers. A frozen one is killed first.</summary>
    public void EnsureRunning()
    {
        if (Problem() is not { } problem)
        {
            return;
        }
        if (state.SwitchPid is var old and > 0 && old != Environment.ProcessId && PostmasterPid.ProcessAlive(old))
        {
            Signals.Send(old, Signals.SigKill);
        }
        if (state.SwitchPid > 0)
        {
            DeadManLog.Replacing(logger, problem);
        }
        Spawn();
    }

    private string? Problem()
    {
        if (state.Mode == DeadManMode.Exit)
        {
            return null; // released: the switch ends, and none is started while the agent stops
        }
        var pid = state.SwitchPid;
        if (started is { HasExited: false } && Age(startedAt) < StartGrace && pid != started.Id)
        {
            return null; // still starting
        }
        if (pid <= 0)
        {
            return "not running";
        }
        if (!PostmasterPid.ProcessAlive(pid))
        {
            return $"(PID {pid}) is gone";
        }
        var age = Age(state.SwitchAlive);
        if (age <= Stale)
        {
            silentSince = null;
            return null;
        }
        silentSince ??= ctx.Time.GetTimestamp();
        return Age(silentSince.Value) >= SilentRecheck ? $"(PID {pid}) has not answered for {age.TotalMilliseconds:0} ms" : null;
    }

    private TimeSpan Age(long stamp) => ctx.Time.GetElapsedTime(stamp);

    private void Spawn()
    {
        var log = ConfigFiles.Beside(ctx.Options.ConfigFile, "pgward-deadman.log");
        // sh points the switch's output at its own log and its input at /dev/null, then becomes the switch: nothing
        // of the agent's (a terminal, a pipe someone reads to its end) is held open by it.
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var arg in (string[])["-c", "exec \"$@\" </dev/null >>\"$0\" 2>&1", log, .. SelfCommand(),
                     "-f", Path.GetFullPath(ctx.Options.ConfigFile!), "daemon", "dead-man-switch"])
        {
            info.ArgumentList.Add(arg);
        }
        // Cleared first: the new switch writes its own PID as soon as it runs, and until then none is registered (the
        // commit lease closes at once, not when the dead one's stamp has aged).
        state.SwitchPid = 0;
        silentSince = null;
        try
        {
            OwnedLogFile.Prepare(log, ctx.Options.DataDirectory);
            started?.Dispose();
            started = null;
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.Exited += (_, _) => wake.Set();
            try
            {
                process.Start();
            }
            catch
            {
                process.Dispose();
                throw;
            }
            started = process;
            startedAt = ctx.Time.GetTimestamp();
            lastSpawnError = null;
            DeadManLog.Spawned(logger, started.Id);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException
                                       or UnauthorizedAccessException)
        {
            // Tried again at every check: said once, not at each.
            if (e.Message != lastSpawnError)
            {
                lastSpawnError = e.Message;
                DeadManLog.SpawnFailed(logger, e.Message);
            }
        }
    }

    /// <summary>How to run this same pgward: this process's executable when it is pgward's (native or the apphost),
    /// whatever its file is called; else <c>PGWARD_EXECUTABLE</c> when set (an agent inside a test host, which names the
    /// native executable there); else <c>dotnet pgward.dll</c> beside this assembly (under <c>dotnet pgward.dll</c>, or
    /// inside a test host). Judged by the file name alone, an executable installed under another name
    /// (<c>pgward-1.2</c>) ran <c>dotnet pgward.dll</c> from its own directory, which does not exist: the switch never
    /// started, and the primary ran unguarded.</summary>
    private static string[] SelfCommand()
    {
        var path = Environment.ProcessPath ?? "pgward";
        if (Path.GetFileNameWithoutExtension(path) != "dotnet" && Assembly.GetEntryAssembly()?.GetName().Name == "pgward")
        {
            return [path];
        }
        if (Environment.GetEnvironmentVariable(PgwardExecutable.Variable) is { Length: > 0 } configured)
        {
            return [configured];
        }
        var host = Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return [host, Path.Combine(AppContext.BaseDirectory, "pgward.dll")];
    }

    public void Dispose()
    {
        started?.Dispose();
        state.Dispose();
    }
}
