using Pgward.Core.Processes;

namespace Pgward.Cluster.Backups;

/// <summary>
/// The <c>restore_command</c> that fetches WAL from a backup server's endpoint:
/// <c>'&lt;pgward&gt;' -f '&lt;node's pgward.conf&gt;' backup wal-fetch --server &lt;endpoint URL&gt; %f %p</c>. The URL is
/// in the command because restore_command runs while the server is in recovery, when the metadata that names the backup
/// server cannot be read; the node's pgward.conf gives the token and the TLS files.
/// </summary>
public static class WalFetchCommand
{
    /// <param name="executable">How to run pgward: the native executable, or dotnet and the dll.</param>
    public static string Render(IReadOnlyList<string> executable, string configFile, string endpointUrl) =>
        string.Join(' ', executable.Select(CommandLine.Quote)
            .Concat(["-f", CommandLine.Quote(configFile), "backup", "wal-fetch", "--server", CommandLine.Quote(endpointUrl), "%f", "%p"]));
}
