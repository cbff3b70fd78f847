namespace Pgward.Testing.Chaos;

/// <summary>The faults a nemesis injects; <see cref="FaultKinds"/> gives each its string id (<c>kill-postgres</c>...).</summary>
public enum FaultKind
{
    /// <summary><c>kill -9</c> of the target's postmaster.</summary>
    KillPostgres,

    /// <summary><c>kill -9</c> of the target's pgward agent.</summary>
    KillAgent,

    /// <summary>Both: the host died.</summary>
    KillHost,

    /// <summary>SIGSTOP of the target's processes for the duration, then SIGCONT.</summary>
    Freeze,

    /// <summary>The target cut from every other node.</summary>
    CutNode,

    /// <summary>A majority of the nodes cut from the rest.</summary>
    CutMajority,

    /// <summary>The target reaches the others, they do not reach it.</summary>
    AsymmetricCut,

    /// <summary>Added latency on the target's links.</summary>
    SlowLink,

    /// <summary>Every node stopped and started again.</summary>
    RestartCluster,

    /// <summary>The backup server killed while it streams WAL (its daemon, and any base backup it runs), back at the end.</summary>
    KillBackupServer,

    /// <summary>The backup server killed partway through a base backup it was asked for (pg_basebackup copying).</summary>
    KillBaseBackup,

    /// <summary>The WAL archive's filesystem filled, freed at the end.</summary>
    FillArchiveDisk,

    /// <summary>The primary's host killed while the backup server takes a base backup of it; back at the end.</summary>
    KillPrimaryDuringBackup,

    /// <summary>The primary promoted after the fault starts is killed as soon as it is promoted.</summary>
    KillNewPrimary,

    /// <summary>A switchover to the target, under load.</summary>
    Switchover,

    /// <summary><c>kill -9</c> of the target's agent alone, its PostgreSQL left running; the agent is started again only
    /// at the fault's end (as <see cref="KillAgent"/>, but meant to outlast a failover: a primary without its agent).</summary>
    KillAgentStay,

    /// <summary>SIGSTOP of the target's agent alone (not its PostgreSQL) for the duration, then SIGCONT.</summary>
    FreezeAgent,

    /// <summary>A clean stop of the target's agent (SIGTERM, as <c>pgward daemon stop</c> and systemd send), its
    /// PostgreSQL left running; started again at the fault's end.</summary>
    StopAgent,

    /// <summary><c>kill -9</c> of the target's dead-man switch (<c>pgward daemon dead-man-switch</c>, its PID in
    /// <c>pgward-deadman.state</c> beside the node's pgward.conf); nothing when there is none.</summary>
    KillDeadManSwitch,
}
