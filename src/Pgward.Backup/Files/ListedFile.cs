namespace Pgward.Backup.Files;

/// <summary>A regular file of the data directory as the agent listed it when the backup started.</summary>
/// <param name="Path">Relative to the data directory, with <c>/</c>; a tablespace's files under <c>pg_tblspc/&lt;oid&gt;/</c>.</param>
/// <param name="Size">Bytes when listed; the copy records what it actually read.</param>
/// <param name="MtimeMs">Last modification, milliseconds since the Unix epoch (UTC).</param>
public sealed record ListedFile(string Path, long Size, long MtimeMs);
