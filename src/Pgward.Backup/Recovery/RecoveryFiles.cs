namespace Pgward.Backup.Recovery;

/// <summary>
/// Writes what makes a restored data directory recover to its target: <see cref="RecoverySettings"/> appended to
/// postgresql.auto.conf (earlier lines of the same settings commented out), <c>recovery.signal</c>, and no
/// <c>standby.signal</c> (it would win over recovery.signal and make the server a standby that never reaches the
/// target). For restores into a directory (<c>recover</c>) and on another host (<c>recover --node</c>).
/// </summary>
public static class RecoveryFiles
{
    public const string RecoverySignal = "recovery.signal";
    public const string StandbySignal = "standby.signal";
    public const string AutoConf = "postgresql.auto.conf";

    /// <summary>Returns what pgward manages on a member that was reset (names only: primary_conninfo may hold a password).</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(string destination, string backupId, RecoveryRequest request, DateTimeOffset now, CancellationToken ct)
    {
        var autoConf = Path.Combine(destination, AutoConf);
        var existing = File.Exists(autoConf) ? await File.ReadAllTextAsync(autoConf, ct) : "";
        await File.WriteAllTextAsync(autoConf, RecoverySettings.CommentOutOwned(existing) + RecoverySettings.Render(backupId, request, now), ct);
        var reset = RecoverySettings.ClusterMemberSettingsIn(existing).ToList();
        var standbySignal = Path.Combine(destination, StandbySignal);
        if (File.Exists(standbySignal))
        {
            File.Delete(standbySignal);
            reset.Add(StandbySignal);
        }
        await File.WriteAllTextAsync(Path.Combine(destination, RecoverySignal), "", ct);
        return reset;
    }
}
