namespace Pgward.Backup.Retention;

/// <summary><c>RECOVERY WINDOW OF n DAYS|WEEKS|MONTHS</c>: recovery to any moment from <see cref="WindowStart"/>
/// until now must stay possible.</summary>
public sealed record RecoveryWindowPolicy(int Count, RecoveryWindowUnit Unit) : RetentionPolicy
{
    /// <summary>The oldest moment that must stay recoverable. Months are calendar months, as Barman's.</summary>
    public DateTimeOffset WindowStart(DateTimeOffset now) => Unit switch
    {
        RecoveryWindowUnit.Days => now.AddDays(-Count),
        RecoveryWindowUnit.Weeks => now.AddDays(-7 * Count),
        _ => now.AddMonths(-Count),
    };

    public override string ToString() => $"RECOVERY WINDOW OF {Count} {Unit.ToString().ToUpperInvariant()}";
}
