namespace Pgward.Backup.Retention;

/// <summary><c>REDUNDANCY n</c>: the n newest DONE backups are kept, older ones are obsolete.</summary>
public sealed record RedundancyPolicy(int Copies) : RetentionPolicy
{
    public override string ToString() => $"REDUNDANCY {Copies}";
}
