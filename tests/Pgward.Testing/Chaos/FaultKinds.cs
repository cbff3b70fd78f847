namespace Pgward.Testing.Chaos;

/// <summary>The string ids of <see cref="FaultKind"/>, as scenarios, reports and the command line spell them.</summary>
public static class FaultKinds
{
    private static readonly Dictionary<FaultKind, string> Ids = new()
    {
        [FaultKind.KillPostgres] = "kill-postgres",
        [FaultKind.KillAgent] = "kill-agent",
        [FaultKind.KillHost] = "kill-host",
        [FaultKind.Freeze] = "freeze",
        [FaultKind.CutNode] = "cut-node",
        [FaultKind.CutMajority] = "cut-majority",
        [FaultKind.AsymmetricCut] = "asymmetric-cut",
        [FaultKind.SlowLink] = "slow-link",
        [FaultKind.RestartCluster] = "restart-cluster",
        [FaultKind.KillBackupServer] = "kill-backup-server",
        [FaultKind.KillBaseBackup] = "kill-base-backup",
        [FaultKind.FillArchiveDisk] = "fill-archive-disk",
        [FaultKind.KillPrimaryDuringBackup] = "kill-primary-during-backup",
        [FaultKind.KillNewPrimary] = "kill-new-primary",
        [FaultKind.Switchover] = "switchover",
        [FaultKind.KillAgentStay] = "kill-agent-stay",
        [FaultKind.FreezeAgent] = "freeze-agent",
        [FaultKind.StopAgent] = "stop-agent",
        [FaultKind.KillDeadManSwitch] = "kill-dead-man-switch",
    };

    public static string Id(this FaultKind kind) => Ids[kind];

    /// <summary>Whether the fault needs a backup server beside the cluster: only the runs that use one pay for it.</summary>
    public static bool UsesBackupServer(this FaultKind kind) =>
        kind is FaultKind.KillBackupServer or FaultKind.KillBaseBackup or FaultKind.FillArchiveDisk or FaultKind.KillPrimaryDuringBackup;

    public static FaultKind Parse(string id) =>
        Ids.FirstOrDefault(pair => pair.Value == id) is { Value: not null } found
            ? found.Key
            : throw new ArgumentException($"unknown fault '{id}': use one of {string.Join(", ", Ids.Values)}", nameof(id));
}
