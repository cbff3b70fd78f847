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
}
