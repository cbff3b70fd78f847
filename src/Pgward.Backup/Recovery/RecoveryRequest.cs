namespace Pgward.Backup.Recovery;

/// <summary><c>backup recover</c>'s choices.</summary>
/// <param name="Backup">A backup id or name, or <c>latest</c> (the newest DONE backup that ends before the target).</param>
/// <param name="Destination">An empty or missing directory to restore into.</param>
/// <param name="TargetTimeline"><c>recovery_target_timeline</c>: <c>latest</c> (default), <c>current</c> or a number.</param>
/// <param name="TargetAction"><c>recovery_target_action</c>: pause, promote or shutdown; needs a target.</param>
/// <param name="Exclusive">Stop just before the target (<c>recovery_target_inclusive = off</c>).</param>
/// <param name="RestoreCommand">The <c>restore_command</c> to write (<see cref="RecoverySettings.PgwardRestoreCommand"/>).</param>
public sealed record RecoveryRequest(
    string Backup,
    string Destination,
    RecoveryTarget Target,
    string? TargetTimeline,
    string? TargetAction,
    bool Exclusive,
    string RestoreCommand)
{
    /// <summary>Tablespaces to restore somewhere else than where they were: OID to location (<c>--tablespace OID:LOCATION</c>).</summary>
    public IReadOnlyDictionary<string, string> TablespaceLocations { get; init; } = new Dictionary<string, string>();
}
