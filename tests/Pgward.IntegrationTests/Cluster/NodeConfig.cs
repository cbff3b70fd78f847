using System.Text.RegularExpressions;
using Pgward.Core.Config;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>Writes a pgward.conf for a test node with pgward's own config writer.</summary>
public static class NodeConfig
{
    public static async Task<string> WriteAsync(string path, int nodeId, string nodeName, string conninfo, string dataDirectory,
        CancellationToken ct, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["node_id"] = $"{nodeId}",
            ["node_name"] = nodeName,
            ["conninfo"] = conninfo,
            ["data_directory"] = dataDirectory,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, ConfigWriter.Format(settings), ct);
        return path;
    }

    /// <summary>
    /// Sets each <c>key = value</c> of <paramref name="lines"/> in the file at <paramref name="path"/>: an existing line
    /// of that key is replaced, else the line is added at the end. pgward.conf refuses a key set twice, so appending a
    /// key the file already has (the sandbox writes agent_token and failover) would break it.
    /// </summary>
    public static async Task SetAsync(string path, CancellationToken ct, params string[] lines)
    {
        var text = await File.ReadAllTextAsync(path, ct);
        foreach (var line in lines)
        {
            var key = line.Split('=', 2)[0].Trim();
            var pattern = $@"(?m)^\s*{Regex.Escape(key)}\s*=.*$";
            text = Regex.IsMatch(text, pattern)
                ? Regex.Replace(text, pattern, line.Replace("$", "$$", StringComparison.Ordinal))
                : text.TrimEnd('\n') + "\n" + line + "\n";
        }
        await File.WriteAllTextAsync(path, text, ct);
    }
}
