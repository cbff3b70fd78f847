using System.Globalization;
using Pgward.Core.Config;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// Where a sandbox keeps its nodes: <c>DIR/nodeN/</c> holds <c>pgward.conf</c>, <c>data/</c> and <c>postgresql.log</c>.
/// Everything status and down need is read back from those files; there is no other state.
/// </summary>
public sealed class SandboxLayout(string directory)
{
    /// <summary>Settings every node keeps for itself (port, socket directory); pg_basebackup copies the primary's, so a clone rewrites it.</summary>
    public const string NodeSettingsFile = "pgward-node.conf";

    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "pgward-sandbox");

    public string Directory { get; } = Path.GetFullPath(directory);

    public string NodeDirectory(int nodeId) => Path.Combine(Directory, "node" + nodeId.ToString(CultureInfo.InvariantCulture));

    public string DataDirectory(int nodeId) => Path.Combine(NodeDirectory(nodeId), "data");

    public string ConfigFile(int nodeId) => Path.Combine(NodeDirectory(nodeId), "pgward.conf");

    public string LogFile(int nodeId) => Path.Combine(NodeDirectory(nodeId), "postgresql.log");

    /// <summary>The nodes found on disk, by node_id; a node whose pgward.conf does not load is skipped.</summary>
    public IReadOnlyList<NodeOptions> ExistingNodes()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        return System.IO.Directory.GetDirectories(Directory, "node*")
            .Select(dir => Path.Combine(dir, "pgward.conf"))
            .Where(File.Exists)
            .Select(ConfigLoader.LoadFile)
            .Where(result => result.Succeeded)
            .Select(result => result.Options!)
            .OrderBy(options => options.NodeId)
            .ToList();
    }
}
