namespace Pgward.Cluster.Backups;

/// <summary>
/// How <c>GET /wal/{name}</c> on a backup server's endpoint describes the body: the archive's stored bytes as they are
/// (a segment as one zstd frame, a history file as text), so that a segment crosses the network compressed and the
/// caller decompresses and checks it. Own headers rather than Content-Encoding, which HTTP stacks may decode on their
/// own and which says nothing of the size the content must have.
/// </summary>
public static class WalFileHeaders
{
    /// <summary><c>zstd</c> (one frame, with its content size and checksum) or <c>identity</c>.</summary>
    public const string Encoding = "X-Pgward-Wal-Encoding";

    /// <summary>The size of the file once decoded: the WAL segment size for a segment or <c>.partial</c>.</summary>
    public const string Size = "X-Pgward-Wal-Size";

    public const string Zstd = "zstd";

    public const string Identity = "identity";

    /// <summary>The status of a file the archive cannot give although it should: damaged, or a hole (missing although
    /// later segments of its timeline are archived). Recovery must stop there, not end as if the WAL ended.</summary>
    public const int DamagedStatus = 422;
}
