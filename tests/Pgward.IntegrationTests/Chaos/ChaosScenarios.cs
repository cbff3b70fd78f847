using Pgward.Testing.Chaos;
using static Pgward.Testing.Chaos.FaultTarget;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>The scenarios of the fault-injection suite; <see cref="Ci"/> is the subset every CI run goes through.</summary>
public static class ChaosScenarios
{
    /// <summary>The faults of the backup server itself, under load: its death while streaming and during a base
    /// backup, its archive disk full (backup-faults, and incremental-faults with files backups).</summary>
    private static readonly IReadOnlyList<FaultSpec> BackupServerFaults =
    [
        Spec(FaultKind.KillBackupServer, 2, 8, FaultTarget.Backup),
        Spec(FaultKind.KillBaseBackup, 2, 6, FaultTarget.Backup),
        Spec(FaultKind.FillArchiveDisk, 3, 10, FaultTarget.Backup),
    ];

    /// <summary>The primary's host killed while a base backup reads it (failover-during-backup, failover-during-incr).</summary>
    private static readonly IReadOnlyList<FaultSpec> FailoverDuringBackup = [Spec(FaultKind.KillPrimaryDuringBackup, 3, 10, Primary)];

    public static IReadOnlyList<ChaosScenario> All { get; } =
    [
        new("kill-primary", "host death of the primary (server and agent), back after a while",
            [Spec(FaultKind.KillHost, 3, 10, Primary)]),
        new("cut-primary", "the primary cut from the other nodes while clients still reach it",
            [Spec(FaultKind.CutNode, 5, 12, Primary)]),
        new("cut-standby", "a standby cut from the other nodes while clients still reach it: no failover",
            [Spec(FaultKind.CutNode, 5, 10, AnyStandby)]),
        new("old-primary-returns", "the primary frozen past detection and thawed around the promotion of another",
            [Spec(FaultKind.Freeze, 2.5, 4.5, Primary)]),
        new("repeated-failovers", "the new primary killed as soon as it is promoted",
            [Spec(FaultKind.KillNewPrimary, 3, 8, Primary)]),
        new("switchover", "operator switchovers under load",
            [Spec(FaultKind.Switchover, 1, 1, AnyStandby)]),
        new("witness-and-standby", "the witness lost together with a standby: the primary keeps 2 of 3 voters (beside three data nodes the witness does not vote)",
            [Spec(FaultKind.KillHost, 3, 10, Nemesis.WitnessAndStandby)]),
        new("mixed", "every fault on any node: kills, freezes, cuts (one node, no majority, one-way), a slow link, restarts",
        [
            Spec(FaultKind.KillPostgres, 2, 8, Primary, AnyStandby),
            Spec(FaultKind.KillAgent, 2, 8, Primary, AnyStandby, Witness),
            Spec(FaultKind.KillHost, 2, 8, Primary, AnyStandby, Witness),
            Spec(FaultKind.Freeze, 0.5, 5, Primary, AnyStandby, Witness),
            Spec(FaultKind.CutNode, 3, 10, Primary, AnyStandby, Witness),
            Spec(FaultKind.CutMajority, 3, 8, Primary),
            Spec(FaultKind.AsymmetricCut, 3, 8, Primary, AnyStandby),
            Spec(FaultKind.SlowLink, 5, 10, Primary, AnyStandby),
            Spec(FaultKind.RestartCluster, 1, 1, FaultTarget.Cluster, weight: 0.3),
            Spec(FaultKind.Switchover, 1, 1, AnyStandby, weight: 0.5),
        ]),
        new("backup-faults", "the backup server killed while streaming WAL and during a base backup, its archive disk full, under load",
            BackupServerFaults),
        new("failover-during-backup", "the primary's host killed while the backup server takes a base backup of it", FailoverDuringBackup),
        // Issue 16: the same with files backups read by the source node's agent, each after the first incremental (block
        // patches over the one before, its changed pages found from the receiver's WAL summaries).
        new("incremental-faults", "backup-faults with incremental files backups: the backup server killed while streaming WAL and during one, its archive disk full",
            BackupServerFaults) { BackupMethod = Network.BackupMethods.Files },
        new("failover-during-incr", "the primary's host killed while its agent reads an incremental files backup of it",
            FailoverDuringBackup) { BackupMethod = Network.BackupMethods.Files },
        // Issue 13: the primary's agent gone while its PostgreSQL runs, long enough for a standby to be promoted (about
        // 2-3 s), with writers that also commit with synchronous_commit local and off, which neither a synchronous
        // standby nor the commit lease holds back.
        new("primary-agent-killed", "kill -9 of the primary's agent alone, not restarted until the fault ends; writers mix synchronous_commit",
            [Spec(FaultKind.KillAgentStay, 6, 10, Primary)]) { WriterCommits = SynchronousCommits.All },
        new("primary-agent-frozen", "SIGSTOP of the primary's agent alone past a failover, then SIGCONT; writers mix synchronous_commit",
            [Spec(FaultKind.FreezeAgent, 5, 9, Primary)]) { WriterCommits = SynchronousCommits.All },
        new("primary-agent-stopped", "a clean stop (SIGTERM) of the primary's agent, started again at the fault's end; writers mix synchronous_commit",
            [Spec(FaultKind.StopAgent, 6, 10, Primary)]) { WriterCommits = SynchronousCommits.All },
        new("dead-man-switch-killed", "kill -9 of a node's dead-man switch, and of the primary's agent; writers mix synchronous_commit",
        [
            Spec(FaultKind.KillDeadManSwitch, 1, 1, Primary, AnyStandby),
            Spec(FaultKind.KillAgentStay, 6, 10, Primary),
        ]) { WriterCommits = SynchronousCommits.All },
    ];

    /// <summary>The CI subset, under 6 minutes on 2 cores: the primary cut from its peers while clients reach it, in
    /// both modes, a host death in sync mode, the witness lost with a standby, the sync-mode thaw that used to lose acknowledged
    /// writes, and a base backup killed partway under load, the backups recovered and compared at the end (seed 6: the
    /// six runs took 4 min 27 s). old-primary-returns in async mode, which the commit lease made pass, is left to the
    /// longer runs to keep the subset under 5 minutes (RELIABILITY.md). The last two (seeds 7 and 8, about 50 s each)
    /// are issue 13's guard, a primary whose agent is gone, killed or cleanly stopped, while writers commit with
    /// synchronous_commit local and off: they report two primaries until the dead-man switch stops such a server.</summary>
    public static IReadOnlyList<(string Scenario, string Mode)> Ci { get; } =
    [
        ("cut-primary", "async"), ("cut-primary", "sync"), ("kill-primary", "sync"), ("witness-and-standby", "async"),
        ("old-primary-returns", "sync"), ("backup-faults", "sync"), ("primary-agent-killed", "async"), ("primary-agent-stopped", "sync"),
    ];

    public static ChaosScenario Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"no chaos scenario \"{name}\"; the scenarios are {string.Join(", ", All.Select(s => s.Name))}");

    private static FaultSpec Spec(FaultKind kind, double minSeconds, double maxSeconds, params FaultTarget[] targets) =>
        new(kind, TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(maxSeconds), targets);

    private static FaultSpec Spec(FaultKind kind, double minSeconds, double maxSeconds, FaultTarget target, double weight) =>
        new(kind, TimeSpan.FromSeconds(minSeconds), TimeSpan.FromSeconds(maxSeconds), [target], weight);
}
