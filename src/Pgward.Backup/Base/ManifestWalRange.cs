using Pgward.Core.Postgres;

namespace Pgward.Backup.Base;

/// <summary>A manifest's <c>WAL-Ranges</c> entry: the WAL, on one timeline, needed to make the backup consistent.</summary>
public sealed record ManifestWalRange(uint Timeline, Lsn Start, Lsn End);
