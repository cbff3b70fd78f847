using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Logging;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Http;

namespace Pgward.Agent.Fencing;

/// <summary>
/// <c>pgward daemon dead-man-switch</c>: a small process beside each data node's agent that stops the local primary
/// (immediate shutdown) the instant the agent's lease deadline passes unrenewed. It runs in a session of its own, so
/// it outlives an agent that is killed, frozen or stopped; the agent starts it, renews the deadline through
/// <see cref="DeadManState"/> and starts it again if it dies. See docs/failover.md, "The dead-man switch".
/// </summary>
public sealed class DeadManSwitch(string dataDirectory, DeadManState state, TimeProvider time, ILogger logger)
{
    /// <summary>How often an armed switch looks at the state besides waking at the deadline itself, and stamps itself
    /// alive: 250 ms. The deadline only moves earlier than the one the switch sleeps to when the node gives up a lease
    /// that still holds (a switchover's clean stop, by its live agent); a lapsed lease is caught at the deadline.</summary>
    public static readonly TimeSpan ArmedPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a disarmed switch looks at the state and stamps itself alive: 250 ms.</summary>
    public static readonly TimeSpan DisarmedPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>The agent's process is looked for every this many rounds.</summary>
    private const int AgentCheckRounds = 10;

    public static async Task<Outcome> RunAsync(OperationContext ctx, CancellationToken ct)
    {
        using var loggers = LoggerFactory.Create(builder => DaemonWebLogging.Configure(builder, ctx.Time));
        var logger = loggers.CreateLogger(LogSubsystems.Lease);
        Signals.NewSession();
        using var state = DeadManState.OpenExisting(ctx.Options.ConfigFile);
        if (state is null)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"no {DeadManState.FileName} beside {ctx.Options.ConfigFile}: the switch is started by the agent, which makes it");
        }
        var watch = new DeadManSwitch(ctx.Options.DataDirectory, state, ctx.Time, logger);
        return await watch.WatchAsync(ct);
    }

    /// <summary>Runs until the agent asks it to end, another switch replaces it, or the agent is gone and nothing is left
    /// to stop. A SIGTERM or Ctrl-C (the token) stops an armed server first: without the switch nothing would.</summary>
    public async Task<Outcome> WatchAsync(CancellationToken ct)
    {
        var self = Environment.ProcessId;
        state.SwitchPid = self;
        state.SwitchAlive = time.GetTimestamp();
        DeadManLog.Started(logger, self, dataDirectory);
        var agentAlive = true;
        for (var round = 0; ; round++)
        {
            var now = time.GetTimestamp();
            state.SwitchAlive = now;
            if (round % AgentCheckRounds == 0)
            {
                agentAlive = PostmasterPid.ProcessAlive(state.AgentPid);
            }
            var mode = state.Mode;
            var deadline = state.Deadline;
            var postmaster = DeadManRules.NeedsPostmaster(mode, deadline, now, agentAlive) ? PostmasterPid.RunningPid(dataDirectory) : null;
            // Looked at only when it could matter: an armed switch, a server running, the deadline reached.
            var standbyStarted = mode == DeadManMode.Armed && postmaster is not null && now >= deadline && StandbyStart.Read(dataDirectory, time);
            var step = DeadManRules.Decide(mode, deadline, now, agentAlive, state.SwitchPid != self,
                postmaster, state.FiredPostmasterPid, state.ArmedPostmasterPid,
                state.FiredPostmasterPid != 0 ? state.FiredDeadline : null, standbyStarted);
            if (step == DeadManStep.Fire)
            {
                Fire(now, deadline);
                continue;
            }
            if (step == DeadManStep.Exit)
            {
                DeadManLog.Ended(logger, mode.ToString().ToLowerInvariant(), agentAlive);
                return Outcome.Ok;
            }
            try
            {
                await Task.Delay(DeadManRules.Sleep(mode, deadline, now, time.TimestampFrequency,
                    mode == DeadManMode.Armed ? ArmedPoll : DisarmedPoll), time, ct);
            }
            catch (OperationCanceledException)
            {
                return Terminated();
            }
        }
    }

    private void Fire(long now, long deadline)
    {
        if (PostmasterPid.RunningPid(dataDirectory) is not { } pid)
        {
            return;
        }
        var late = TimeSpan.FromSeconds((double)(now - deadline) / time.TimestampFrequency);
        // SIGQUIT is pg_ctl's immediate mode: every backend quits without answering its client, so no commit, whatever
        // its synchronous_commit, is acknowledged after this.
        var sent = Signals.Send(pid, Signals.SigQuit);
        state.FiredDeadline = deadline;
        state.FiredPostmasterPid = pid;
        state.FiredAt = now;
        if (sent)
        {
            DeadManLog.Fired(logger, pid, late.TotalMilliseconds, AgentDescription());
        }
        else
        {
            DeadManLog.FireFailed(logger, pid, Marshal.GetLastPInvokeErrorMessage());
        }
    }

    private Outcome Terminated()
    {
        if (state.Mode == DeadManMode.Armed && PostmasterPid.RunningPid(dataDirectory) is not null)
        {
            Fire(time.GetTimestamp(), state.Deadline);
        }
        DeadManLog.Ended(logger, "terminated", PostmasterPid.ProcessAlive(state.AgentPid));
        return Outcome.Ok;
    }

    private string AgentDescription()
    {
        var pid = state.AgentPid;
        return !PostmasterPid.ProcessAlive(pid) ? $"agent (PID {pid}) is gone"
            : $"agent (PID {pid}) did not renew the lease";
    }
}
