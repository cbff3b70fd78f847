using System.Globalization;

namespace Pgward.Core.Config;

/// <summary>
/// Marks the directory of a node's pgward.conf as that node's. The agent keeps its votes, the dead-man switch's state
/// and the pause flag beside pgward.conf (<see cref="ConfigFiles.Beside"/>); two nodes' configurations in one
/// directory would share them, and a node that read another's vote could vote twice in a term, or a switch could
/// guard the wrong server. The agent claims the directory when it starts and refuses one claimed by another node.
/// </summary>
public static class NodeDirectoryClaim
{
    public const string FileName = "pgward-node.id";

    /// <summary>Claims the directory of <paramref name="options"/>' config file for its node: null when it is this
    /// node's (claimed now or before), else why the agent must not start.</summary>
    public static string? Claim(NodeOptions options)
    {
        var path = ConfigFiles.Beside(options.ConfigFile, FileName);
        if (Refusal(options) is { } refusal)
        {
            return refusal;
        }
        if (!File.Exists(path))
        {
            IO.DurableFile.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"node_id={options.NodeId}\nnode_name={options.NodeName}\n"),
                ownerLike: options.DataDirectory);
        }
        return null;
    }

    /// <summary>Why node <paramref name="options"/> must not use its config file's directory, or null; changes nothing.</summary>
    public static string? Refusal(NodeOptions options)
    {
        var path = ConfigFiles.Beside(options.ConfigFile, FileName);
        return Decide(File.Exists(path) ? File.ReadAllText(path) : null, options.NodeId, options.NodeName, path);
    }

    /// <summary>Null when <paramref name="claim"/> (the claim file's text, null when there is none) allows node
    /// <paramref name="nodeId"/> to use the directory; else the refusal, naming the other node and the fix.</summary>
    public static string? Decide(string? claim, int nodeId, string nodeName, string path)
    {
        if (claim is null)
        {
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parts in claim.Split('\n').Select(line => line.Split('=', 2)).Where(parts => parts.Length == 2))
        {
            values[parts[0].Trim()] = parts[1].Trim();
        }
        if (values.TryGetValue("node_id", out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var claimed)
            && claimed == nodeId)
        {
            return null;
        }
        var owner = values.GetValueOrDefault("node_name") is { Length: > 0 } name ? $"node {text} ({name})" : $"another node ({claim.Trim()})";
        return $"the directory {Path.GetDirectoryName(path)} holds the agent state of {owner}, but this configuration is node {nodeId} ({nodeName})";
    }

    /// <summary>What to do about a refusal of <see cref="Decide"/>.</summary>
    public static string Fix(string? configFile) =>
        "give each node's pgward.conf a directory of its own (the agent keeps its votes and its dead-man switch's state beside it); "
        + $"if the directory no longer belongs to that node, remove {ConfigFiles.Beside(configFile, FileName)} and the "
        + "pgward-failover.state and pgward-deadman.state beside it";
}
