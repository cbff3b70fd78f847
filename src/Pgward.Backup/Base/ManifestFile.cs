namespace Pgward.Backup.Base;

/// <summary>One file of a backup manifest: its path relative to the data directory, size and checksum.</summary>
/// <param name="Algorithm">The manifest's <c>Checksum-Algorithm</c>: <c>CRC32C</c> (pgward's choice), <c>SHA256</c> ... or <c>NONE</c>.</param>
/// <param name="Checksum">Hex digits as the manifest writes them; empty with <c>NONE</c>.</param>
/// <param name="LastModified">The manifest's <c>Last-Modified</c>, to the second; null when absent.</param>
public sealed record ManifestFile(string Path, long Size, string Algorithm, string Checksum, DateTimeOffset? LastModified = null);
