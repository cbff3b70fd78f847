using System.Globalization;
using Pgward.Core.Config;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// Where a sandbox keeps its nodes: <c>DIR/nodeN/</c> (and <c>DIR/witness/</c>) holds <c>pgward.conf</c>, <c>data/</c>
/// and <c>postgresql.log</c>.
/// Everything status and down need is read back from those files; there is no other state.
/// </summary>
public sealed class SandboxLayout(string directory)
{
    /// <summary>Settings every node keeps for itself (port, socket directory); pg_basebackup copies the primary's, so a clone rewrites it.</summary>
    public const string NodeSettingsFile = "pgward-node.conf";

    public static string DefaultDirectory => Path.Combine(Path.GetTempPath(), "pgward-sandbox");

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The witness's directory name; data nodes are <c>node1</c>, <c>node2</c> ...</summary>
    public const string WitnessName = "witness";

    public static string NodeName(int nodeId) => "node" + nodeId.ToString(CultureInfo.InvariantCulture);

    public string NodeDirectory(string name) => Path.Combine(Directory, name);

    public string DataDirectory(string name) => Path.Combine(NodeDirectory(name), "data");

    public string ConfigFile(string name) => Path.Combine(NodeDirectory(name), "pgward.conf");

    public string ConfigFile(int nodeId) => ConfigFile(NodeName(nodeId));

    /// <summary>The server log pg_ctl writes when the sandbox starts a node: beside its data directory.</summary>
    public static string LogFile(NodeOptions node) =>
        Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(node.DataDirectory))!, "postgresql.log");

    /// <summary>The nodes found on disk, by node_id; a node whose pgward.conf does not load is skipped.</summary>
    public IReadOnlyList<NodeOptions> ExistingNodes()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        return System.IO.Directory.GetDirectories(Directory, "node*")
            .Append(NodeDirectory(WitnessName))
            .Select(dir => Path.Combine(dir, "pgward.conf"))
            .Where(File.Exists)
            .Select(ConfigLoader.LoadFile)
            .Where(result => result.Succeeded)
            .Select(result => result.Options!)
            .OrderBy(options => options.NodeId)
            .ToList();
    }
}
