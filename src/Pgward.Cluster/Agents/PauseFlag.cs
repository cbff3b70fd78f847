using Pgward.Core.Config;

namespace Pgward.Cluster.Agents;

/// <summary>
/// Whether this node's daemon is paused (<c>pgward daemon pause</c>): a file beside pgward.conf, so the pause survives
/// restarts of the daemon and of the host. While paused, the daemon monitors and answers, but takes no automatic
/// action (no promotion, follow or rejoin); a primary that loses its majority still fences itself, and a primary's agent
/// that is stopped leaves its server running.
/// </summary>
public sealed class PauseFlag(string path)
{
    public string Path => path;

    public static PauseFlag For(NodeOptions options) =>
        new(ConfigFiles.Beside(options.ConfigFile, "pgward-daemon.paused"));

    public bool IsPaused => File.Exists(path);

    /// <summary>Writes the flag durably (fsync, then rename), with when it was set.</summary>
    public void Pause(DateTimeOffset now)
    {
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(file))
        {
            writer.WriteLine($"paused since {now:yyyy-MM-dd HH:mm:ss zzz}");
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public void Unpause() => File.Delete(path);
}
