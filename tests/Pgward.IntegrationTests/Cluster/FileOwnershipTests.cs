using Pgward.Agent.Failover;
using Pgward.Agent.Fencing;
using Pgward.Cli.Daemon;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Clone;
using Pgward.Cluster.Rejoin;
using Pgward.Core.Config;
using Pgward.Core.IO;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Failover;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// pgward run as root (as the tests run here) writes files in and beside a data directory owned by the server's OS
/// user: each must belong to that user, or PostgreSQL, pg_basebackup and pg_rewind (run as that user) cannot read it
/// and pgward run later as that user cannot replace it. Unprivileged, everything is the current user's anyway.
/// </summary>
public sealed class FileOwnershipTests : PgIntegrationTest
{
    [Fact]
    public async Task Files_written_in_and_beside_a_data_directory_belong_to_its_owner()
    {
        var node = await Directory.CreateSubdirectoryAsync("node1", Token);
        var data = Path.Combine(node, "data");
        System.IO.Directory.CreateDirectory(data);
        FileOwner.Match(data, node);
        var options = new NodeOptions { NodeId = 1, NodeName = "node1", ConfigFile = Path.Combine(node, "pgward.conf"), DataDirectory = data };
        await File.WriteAllTextAsync(Path.Combine(data, "postgresql.auto.conf"), "work_mem = '8MB'\n", Token);
        FileOwner.Match(Path.Combine(data, "postgresql.auto.conf"), data);

        new PrimaryGuard(data).Set();
        await StandbyConfiguration.WriteAsync(Path.Combine(data), Conninfo.Parse("host=node2 password=secret"), "pgward_slot_1", Token);
        await ConfigArchive.For(data, "node1").SaveAsync([Path.Combine(data, "postgresql.auto.conf")], Token);
        AgentAgreementStore.For(options, TimeProvider.System).Save(new VoterState(2, 1, 1));
        PauseFlag.For(options).Pause(TimeProvider.System.GetUtcNow());
        KnownNodesCache.Save(options, [new NodeRecord(1, null, true, "node1", NodeType.Primary, "default", 100, "host=node1 password=secret", "pgward", null, "")]);
        var daemon = DaemonFiles.For(options);
        daemon.WritePid(Environment.ProcessId);
        daemon.PrepareLog();
        using (DeadManState.Open(options.ConfigFile, data))
        {
        }

        var owner = FileOwner.Of(data);
        var wrong = System.IO.Directory.EnumerateFileSystemEntries(node, "*", SearchOption.AllDirectories)
            .Where(path => FileOwner.Of(path) != owner)
            .Select(path => $"{Path.GetRelativePath(node, path)} (uid {FileOwner.Of(path)?.Uid})")
            .ToList();
        Assert.True(wrong.Count == 0, $"owned by someone else than the data directory's owner (uid {owner?.Uid}): {string.Join(", ", wrong)}");
        Assert.Equal(
            ["data/postgresql.auto.conf", "data/standby.signal", "pgward-config-archive-node1", "pgward-config-archive-node1/postgresql.auto.conf",
             "pgward-daemon.log", "pgward-daemon.paused", "pgward-daemon.pid", "pgward-deadman.state", "pgward-failover.state", "pgward.nodes.cache"],
            System.IO.Directory.EnumerateFileSystemEntries(node, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(node, path)).Where(path => path != "data").Order(StringComparer.Ordinal));
    }
}
