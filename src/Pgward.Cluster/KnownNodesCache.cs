using System.Globalization;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.IO;

namespace Pgward.Cluster;

/// <summary>
/// The conninfo of every registered node, saved beside pgward.conf whenever the metadata is read, so that
/// <c>cluster show</c> still finds the metadata on another node when the local server is down.
/// A cache only: losing it or failing to write it changes nothing but that fallback.
/// </summary>
public static class KnownNodesCache
{
    public static string? PathFor(string? configFile) =>
        configFile is null ? null : ConfigFiles.Beside(configFile, "pgward.nodes.cache");

    /// <summary>Saves the nodes' conninfos beside pgward.conf, readable by its owner only (a conninfo can hold a
    /// password), owned like the data directory when pgward runs as root.</summary>
    public static void Save(NodeOptions options, IEnumerable<NodeRecord> nodes) =>
        Save(options.ConfigFile, nodes, options.DataDirectory);

    public static void Save(string? configFile, IEnumerable<NodeRecord> nodes, string? ownerLike = null)
    {
        if (PathFor(configFile) is not { } path)
        {
            return;
        }
        try
        {
            var lines = nodes.Select(n => $"{n.NodeId.ToString(CultureInfo.InvariantCulture)}\t{n.Conninfo}").ToList();
            // Read on every cluster show: write only when the nodes changed (or a cache written before pgward made
            // it 0600 is still readable by others).
            if (File.Exists(path) && File.ReadAllLines(path).SequenceEqual(lines) && !ReadableByOthers(path))
            {
                return;
            }
            DurableFile.WriteAllLines(path, lines, DurableFile.OwnerOnly, ownerLike);
        }
        catch (IOException)
        {
            // Read-only configuration directory: the fallback is simply not available.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static bool ReadableByOthers(string path) =>
        (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0;

    public static IReadOnlyList<(int NodeId, string Conninfo)> Load(string? configFile)
    {
        if (PathFor(configFile) is not { } path || !File.Exists(path))
        {
            return [];
        }
        return File.ReadAllLines(path)
            .Select(line => line.Split('\t', 2))
            .Where(parts => parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out _))
            .Select(parts => (int.Parse(parts[0], CultureInfo.InvariantCulture), parts[1]))
            .ToList();
    }
}
