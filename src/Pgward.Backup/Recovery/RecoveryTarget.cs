using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Recovery;

/// <summary>A recovery target as the user gave it, checked: a time with its zone, an xid, a restore point name or
/// an LSN.</summary>
public sealed record RecoveryTarget(RecoveryTargetKind Kind, string? Value = null)
{
    public static readonly RecoveryTarget EndOfWal = new(RecoveryTargetKind.EndOfWal);

    /// <summary>The time of a <see cref="RecoveryTargetKind.Time"/> target.</summary>
    public DateTimeOffset? Time => Kind == RecoveryTargetKind.Time
        ? DateTimeOffset.Parse(Value!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
        : null;

    /// <summary>The LSN of a <see cref="RecoveryTargetKind.Lsn"/> target.</summary>
    public Lsn? Lsn => Kind == RecoveryTargetKind.Lsn ? Core.Postgres.Lsn.Parse(Value!) : null;

    /// <summary>Builds the target from the command line's options (at most one given); an error names the problem.</summary>
    public static (RecoveryTarget? Target, string? Error) From(string? time, string? xid, string? name, string? lsn, bool immediate)
    {
        var given = new[] { time is not null, xid is not null, name is not null, lsn is not null, immediate }.Count(g => g);
        if (given > 1)
        {
            return (null, "give at most one of --target-time, --target-xid, --target-name, --target-lsn and --target-immediate");
        }
        if (time is not null)
        {
            // A time without a zone is taken as UTC and written with "+00", so the server's timezone setting
            // cannot shift it.
            return DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? (new RecoveryTarget(RecoveryTargetKind.Time,
                    at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture)), null)
                : (null, $"--target-time \"{time}\" is not a time; write it as 2026-11-25 16:34:07.123+00");
        }
        if (xid is not null)
        {
            return ulong.TryParse(xid, NumberStyles.None, CultureInfo.InvariantCulture, out var x) && x >= 3
                ? (new RecoveryTarget(RecoveryTargetKind.Xid, xid), null)
                : (null, $"--target-xid \"{xid}\" is not a transaction ID (a number, at least 3)");
        }
        if (name is not null)
        {
            return name.Length is > 0 and < 64
                ? (new RecoveryTarget(RecoveryTargetKind.Name, name), null)
                : (null, "--target-name must be a restore point name of 1 to 63 bytes");
        }
        if (lsn is not null)
        {
            return Core.Postgres.Lsn.TryParse(lsn, out var parsed)
                ? (new RecoveryTarget(RecoveryTargetKind.Lsn, parsed.ToString()), null)
                : (null, $"--target-lsn \"{lsn}\" is not an LSN; write it as 0/3000060");
        }
        return (immediate ? new RecoveryTarget(RecoveryTargetKind.Immediate) : EndOfWal, null);
    }

    public override string ToString() => Kind switch
    {
        RecoveryTargetKind.EndOfWal => "the end of the archived WAL",
        RecoveryTargetKind.Immediate => "the end of the backup (immediate)",
        _ => $"{Kind.ToString().ToLowerInvariant()} {Value}",
    };
}
