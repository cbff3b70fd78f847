namespace Pgward.Cluster.Backups;

/// <summary>
/// Body of <c>POST /backups/{id}/files</c>: the paths wanted whole, as the manifest names them (null: every entry), and
/// the files of which only some pages are wanted. The answer is <see cref="BlockRuns"/>, in the backup's order. Also the
/// body of <c>POST /backups/{id}/maps</c> (the paths whose block maps are wanted).
/// </summary>
public sealed record RestoreFilesRequest(IReadOnlyList<string>? Paths = null, IReadOnlyList<RestorePages>? Pages = null);
