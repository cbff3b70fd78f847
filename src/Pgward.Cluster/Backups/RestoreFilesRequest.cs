namespace Pgward.Cluster.Backups;

/// <summary>
/// Body of <c>POST /backups/{id}/files</c>: the paths wanted whole, as the manifest names them (null: every entry), and
/// the files of which only some pages are wanted. The answer is <see cref="BlockRuns"/>, in the backup's order. Also the
/// body of <c>POST /backups/{id}/maps</c> (the paths whose block maps are wanted).
/// </summary>
/// <param name="PageRuns">The client reads page runs (<see cref="BlockRuns.PageRun"/>): of a stored block holding only
/// some of the pages asked for, only those pages are sent. A server of an earlier version ignores it and sends the
/// blocks; a client of an earlier version leaves it false and gets them.</param>
public sealed record RestoreFilesRequest(IReadOnlyList<string>? Paths = null, IReadOnlyList<RestorePages>? Pages = null, bool PageRuns = false);
