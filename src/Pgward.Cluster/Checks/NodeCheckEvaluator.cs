using System.Globalization;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Checks;

/// <summary>The <c>node check</c> items as pure functions of <see cref="NodeCheckInput"/>.</summary>
public static class NodeCheckEvaluator
{
    /// <summary>The full check: every item but <see cref="CheckKind.Agent"/>, which is asked for by itself.</summary>
    public static IReadOnlyList<CheckResult> EvaluateAll(NodeCheckInput input) =>
        Enum.GetValues<CheckKind>().Where(kind => kind != CheckKind.Agent).Select(kind => Evaluate(kind, input)).ToList();

    public static CheckResult Evaluate(CheckKind kind, NodeCheckInput input)
    {
        if (kind == CheckKind.Agent)
        {
            return Agent(input.Agent);
        }
        if (input.Facts is null && kind != CheckKind.DataDirectoryConfig)
        {
            return new CheckResult(kind, CheckStatus.Critical, $"unable to connect to node: {input.ConnectError}");
        }
        return kind switch
        {
            CheckKind.Role => Role(input, input.Facts!),
            CheckKind.ReplicationLag => ReplicationLag(input, input.Facts!),
            CheckKind.ArchiveReady => ArchiveReady(input, input.Facts!),
            CheckKind.Upstream => Upstream(input, input.Facts!),
            CheckKind.Downstream => Downstream(input, input.Facts!),
            CheckKind.Slots => Slots(input.Facts!),
            CheckKind.MissingSlots => MissingSlots(input, input.Facts!),
            CheckKind.DataDirectoryConfig => DataDirectory(input),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>Seconds the standby's replay is behind what it has received; 0 when it has replayed everything.</summary>
    public static long LagSeconds(ServerFacts facts)
    {
        if (facts.ReceiveLsn is not { } received || facts.ReplayLsn is not { } replayed || replayed >= received
            || facts.LastReplayTimestamp is not { } lastReplay)
        {
            return 0;
        }
        return Math.Max(0, (long)(facts.ServerTime - lastReplay).TotalSeconds);
    }

    private static CheckResult Role(NodeCheckInput input, ServerFacts facts)
    {
        var actual = facts.InRecovery ? "standby" : "primary";
        if (input.Self is not { } self)
        {
            return new CheckResult(CheckKind.Role, CheckStatus.Unknown, $"node is {actual} but not registered");
        }
        return (self.Type, facts.InRecovery) switch
        {
            (NodeType.Witness, _) => new CheckResult(CheckKind.Role, CheckStatus.Ok, "node is witness"),
            (NodeType.Primary, false) or (NodeType.Standby, true) => new CheckResult(CheckKind.Role, CheckStatus.Ok, $"node is {actual}"),
            _ => new CheckResult(CheckKind.Role, CheckStatus.Critical, $"node is registered as {self.Type.ToName()} but running as {actual}"),
        };
    }

    private static CheckResult ReplicationLag(NodeCheckInput input, ServerFacts facts)
    {
        if (!facts.InRecovery || input.Self?.Type == NodeType.Witness)
        {
            return new CheckResult(CheckKind.ReplicationLag, CheckStatus.Ok,
                $"N/A - node is {(input.Self?.Type == NodeType.Witness ? "witness" : "primary")}");
        }
        var warning = (long)input.Options.ReplicationLagWarning.TotalSeconds;
        var critical = (long)input.Options.ReplicationLagCritical.TotalSeconds;
        // A delayed standby is behind by its delay on purpose: the limits apply to what it lags beyond it.
        var delay = (long)facts.ApplyDelay.TotalSeconds;
        var lag = LagSeconds(facts);
        var beyond = Math.Max(0, lag - delay);
        var status = beyond >= critical ? CheckStatus.Critical : beyond >= warning ? CheckStatus.Warning : CheckStatus.Ok;
        var details = (delay > 0 ? Invariant($"{beyond} seconds beyond recovery_min_apply_delay ({delay} seconds; {lag} in all)") : $"{lag} seconds")
            + (status == CheckStatus.Ok ? "" : $" (limit {(status == CheckStatus.Critical ? critical : warning)} seconds)");
        return new CheckResult(CheckKind.ReplicationLag, status, details, Invariant($"lag={beyond};{warning};{critical}"));
    }

    private static CheckResult ArchiveReady(NodeCheckInput input, ServerFacts facts)
    {
        if (facts.ArchiveReadyCount is not { } ready)
        {
            return new CheckResult(CheckKind.ArchiveReady, CheckStatus.Unknown,
                "the connection's role may not list pg_wal/archive_status (grant pg_monitor)");
        }
        var warning = input.Options.ArchiveReadyWarning;
        var critical = input.Options.ArchiveReadyCritical;
        var status = ready >= critical ? CheckStatus.Critical : ready >= warning ? CheckStatus.Warning : CheckStatus.Ok;
        return new CheckResult(CheckKind.ArchiveReady, status, $"{ready} pending archive ready files",
            Invariant($"files={ready};{warning};{critical}"));
    }

    private static CheckResult Upstream(NodeCheckInput input, ServerFacts facts)
    {
        if (input.Self is { Type: NodeType.Witness })
        {
            return new CheckResult(CheckKind.Upstream, CheckStatus.Ok, "N/A - node is a witness");
        }
        if (!facts.InRecovery)
        {
            return new CheckResult(CheckKind.Upstream, CheckStatus.Ok, "N/A - node is primary");
        }
        if (input.Self is not { } self || self.UpstreamNodeId is not { } upstreamId
            || input.Nodes.FirstOrDefault(n => n.NodeId == upstreamId) is not { } upstream)
        {
            return new CheckResult(CheckKind.Upstream, CheckStatus.Unknown, "no upstream node is registered for this node");
        }
        var receiver = facts.WalReceiver;
        if (receiver is null || receiver.Status != "streaming")
        {
            return new CheckResult(CheckKind.Upstream, CheckStatus.Critical,
                $"{self.Describe()} is not streaming from its upstream {upstream.Describe()}"
                + (facts.ApplyDelay > TimeSpan.Zero
                    ? $" (a delayed standby, recovery_min_apply_delay = {ApplyDelays.Format(facts.ApplyDelay)}: after a failover it streams again "
                        + "once it has replayed what it holds back)"
                    : ""));
        }
        if (!SameEndpoint(upstream.Conninfo, receiver.SenderHost, receiver.SenderPort))
        {
            return new CheckResult(CheckKind.Upstream, CheckStatus.Critical,
                $"{self.Describe()} streams from {receiver.SenderHost}:{receiver.SenderPort}, not from its upstream {upstream.Describe()}");
        }
        return new CheckResult(CheckKind.Upstream, CheckStatus.Ok,
            $"{self.Describe()} is attached to expected upstream {upstream.Describe()}");
    }

    private static CheckResult Downstream(NodeCheckInput input, ServerFacts facts)
    {
        var expected = input.Nodes
            .Where(n => n.UpstreamNodeId == input.Options.NodeId && n.Active && n.Type == NodeType.Standby)
            .ToList();
        if (expected.Count == 0)
        {
            return new CheckResult(CheckKind.Downstream, CheckStatus.Ok, "this node has no downstream nodes", "attached=0, missing=0");
        }
        var attachedNames = facts.Downstream.Where(d => d.State is "streaming" or "catchup").Select(d => d.ApplicationName).ToHashSet();
        var missing = expected.Where(n => !attachedNames.Contains(n.NodeName)).ToList();
        var perf = Invariant($"attached={expected.Count - missing.Count}, missing={missing.Count}");
        if (missing.Count == 0)
        {
            return new CheckResult(CheckKind.Downstream, CheckStatus.Ok, $"{expected.Count} of {expected.Count} downstream nodes attached", perf);
        }
        var names = string.Join(", ", missing.Select(n => $"{n.NodeName} (ID: {n.NodeId})"));
        return new CheckResult(CheckKind.Downstream, CheckStatus.Critical,
            $"{missing.Count} of {expected.Count} downstream nodes not attached (missing: {names})", perf);
    }

    private static CheckResult Slots(ServerFacts facts)
    {
        var physical = facts.Slots.Where(s => s.SlotType == "physical").ToList();
        var inactive = physical.Where(s => !s.Active).ToList();
        var perf = Invariant($"slots={physical.Count};{inactive.Count}");
        if (physical.Count == 0)
        {
            return new CheckResult(CheckKind.Slots, CheckStatus.Ok, "node has no physical replication slots", perf);
        }
        return inactive.Count == 0
            ? new CheckResult(CheckKind.Slots, CheckStatus.Ok, $"{physical.Count} of {physical.Count} physical replication slots are active", perf)
            : new CheckResult(CheckKind.Slots, CheckStatus.Critical,
                $"{inactive.Count} of {physical.Count} physical replication slots are inactive: {string.Join(", ", inactive.Select(s => s.SlotName))}", perf);
    }

    /// <summary>The slots this node's registered standbys stream through (their records' <c>slot_name</c>: they use
    /// replication slots) that it does not have: such a standby keeps no WAL back here, and falls behind for good once
    /// its upstream recycles what it still needs.</summary>
    private static CheckResult MissingSlots(NodeCheckInput input, ServerFacts facts)
    {
        var expected = input.Nodes
            .Where(n => n.UpstreamNodeId == input.Options.NodeId && n.Active && n.Type == NodeType.Standby && n.SlotName is { Length: > 0 })
            .ToList();
        var present = facts.Slots.Where(s => s.SlotType == "physical").Select(s => s.SlotName).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(n => !present.Contains(n.SlotName!)).ToList();
        var perf = Invariant($"missing_slots={missing.Count}") + string.Concat(missing.Select(n => ";" + n.SlotName));
        return missing.Count == 0
            ? new CheckResult(CheckKind.MissingSlots, CheckStatus.Ok, "node has no missing physical replication slots", perf)
            : new CheckResult(CheckKind.MissingSlots, CheckStatus.Critical,
                $"{missing.Count} of {expected.Count} physical replication slots are missing: "
                + string.Join(", ", missing.Select(n => $"{n.SlotName} (for {n.Describe()})")), perf);
    }

    /// <summary>The local agent, as repmgr's <c>--repmgrd</c>: CRITICAL when it does not answer, WARNING while paused.</summary>
    private static CheckResult Agent(AgentSighting? agent) => agent switch
    {
        null => new CheckResult(CheckKind.Agent, CheckStatus.Unknown, "the agent was not asked"),
        { Answered: false } => new CheckResult(CheckKind.Agent, CheckStatus.Critical, $"pgward agent not running: {agent.Problem}"),
        { Problem: { } problem } => new CheckResult(CheckKind.Agent, CheckStatus.Unknown, $"pgward agent running, but {problem}"),
        { Paused: true } => new CheckResult(CheckKind.Agent, CheckStatus.Warning,
            $"pgward agent running (PID {agent.Pid}) but paused (pgward daemon unpause)"),
        _ => new CheckResult(CheckKind.Agent, CheckStatus.Ok, $"pgward agent running (PID {agent.Pid})"),
    };

    private static CheckResult DataDirectory(NodeCheckInput input)
    {
        var configured = Normalize(input.Options.DataDirectory);
        if (input.Facts is { } facts)
        {
            return Normalize(facts.DataDirectory) == configured
                ? new CheckResult(CheckKind.DataDirectoryConfig, CheckStatus.Ok, $"configured \"data_directory\" is \"{input.Options.DataDirectory}\"")
                : new CheckResult(CheckKind.DataDirectoryConfig, CheckStatus.Critical,
                    $"configured \"data_directory\" is \"{input.Options.DataDirectory}\" but the server runs in \"{facts.DataDirectory}\"");
        }
        return input.DataDirectoryHasPgVersion
            ? new CheckResult(CheckKind.DataDirectoryConfig, CheckStatus.Ok,
                $"configured \"data_directory\" \"{input.Options.DataDirectory}\" holds a PostgreSQL data directory (server not running)")
            : new CheckResult(CheckKind.DataDirectoryConfig, CheckStatus.Critical,
                $"configured \"data_directory\" \"{input.Options.DataDirectory}\" is not a PostgreSQL data directory");
    }

    private static bool SameEndpoint(string conninfo, string? host, int? port)
    {
        if (!Conninfo.TryParse(conninfo, out var parsed, out _) || host is null)
        {
            return false;
        }
        return parsed!.Port == port && (string.Equals(parsed.Host, host, StringComparison.OrdinalIgnoreCase)
            || (IsLoopback(parsed.Host) && IsLoopback(host)));
    }

    private static bool IsLoopback(string? host) => host is "localhost" or "127.0.0.1" or "::1";

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
