namespace Pgward.Cluster.Backups;

/// <summary>
/// Body of <c>POST /backups/{id}/files</c>: the paths wanted, as the manifest names them; null for every entry. The
/// answer is a tar stream (lz4-framed) of those entries in the backup's order.
/// </summary>
public sealed record RestoreFilesRequest(IReadOnlyList<string>? Paths = null)
{
    /// <summary>The name of the empty entry that ends a whole answer: a stream without it was cut short.</summary>
    public const string EndMarker = ".pgward-end";
}
