namespace Pgward.Cluster.Backups;

/// <summary>The pages of one file a delta restore asks for (<see cref="BlockRuns.PageSize"/> each, ascending): those whose
/// hash differs from the backup's block map. The server sends the lz4 blocks that hold them, or only the pages (page runs).</summary>
public sealed record RestorePages(string Path, IReadOnlyList<int> Pages);
