using Pgward.Core.Config;
using Pgward.Core.IO;

namespace Pgward.Cluster.Agents;

/// <summary>
/// Whether this node's daemon is paused (<c>pgward daemon pause</c>): a file beside pgward.conf, so the pause survives
/// restarts of the daemon and of the host. While paused, the daemon monitors and answers, but takes no automatic
/// action (no promotion, follow or rejoin); a primary that loses its majority still fences itself, and a primary's agent
/// that is stopped leaves its server running.
/// </summary>
/// <param name="ownerLike">The data directory: the flag gets its owner when pgward runs as root.</param>
public sealed class PauseFlag(string path, string? ownerLike = null)
{
    public string Path => path;

    public static PauseFlag For(NodeOptions options) =>
        new(ConfigFiles.Beside(options.ConfigFile, "pgward-daemon.paused"), options.DataDirectory);

    public bool IsPaused => File.Exists(path);

    /// <summary>Writes the flag durably (<see cref="DurableFile"/>), with when it was set.</summary>
    public void Pause(DateTimeOffset now) =>
        DurableFile.WriteAllText(path, $"paused since {now:yyyy-MM-dd HH:mm:ss zzz}\n", DurableFile.OwnerOnly, ownerLike);

    public void Unpause() => File.Delete(path);
}
