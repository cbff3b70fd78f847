using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.UnitTests.Cluster;

/// <summary>Small builders for node records, server facts and options; tests change what matters with <c>with</c>.</summary>
internal static class TestData
{
    public const string DataDirectory = "/var/lib/postgresql/15/main";

    public static NodeRecord Node(int id, NodeType type, int? upstream = null, bool active = true) => new(
        NodeId: id,
        UpstreamNodeId: upstream,
        Active: active,
        NodeName: $"node{id}",
        Type: type,
        Location: "default",
        Priority: 100,
        Conninfo: $"host=127.0.0.1 port={5500 + id} user=pgward dbname=pgward connect_timeout=2",
        ReplUser: "pgward",
        SlotName: null,
        ConfigFile: "/etc/pgward.conf");

    public static NodeRecord Primary(int id, bool active = true) => Node(id, NodeType.Primary, active: active);

    public static NodeRecord Standby(int id, int upstream, bool active = true) => Node(id, NodeType.Standby, upstream, active);

    public static NodeRecord Witness(int id, int upstream, bool active = true) => Node(id, NodeType.Witness, upstream, active);

    public static NodeOptions Options(int nodeId) => new()
    {
        NodeId = nodeId,
        NodeName = $"node{nodeId}",
        Conninfo = $"host=127.0.0.1 port={5500 + nodeId} user=pgward dbname=pgward",
        DataDirectory = DataDirectory,
    };

    /// <summary>A healthy PostgreSQL 15 server with no slots, no standbys and nothing waiting to be archived.</summary>
    public static ServerFacts Facts(bool inRecovery) => new()
    {
        ServerVersion = "15.18",
        ServerVersionNum = 150018,
        InRecovery = inRecovery,
        Timeline = 1,
        SystemIdentifier = 7300000000000000001,
        DataDirectory = DataDirectory,
        WalLevel = "replica",
        MaxWalSenders = 10,
        WalSendersInUse = 0,
        MaxReplicationSlots = 10,
        HotStandby = true,
        ArchiveMode = "off",
        ArchiveCommand = "",
        DataSizeBytes = 30L * 1024 * 1024,
        Slots = [],
        Downstream = [],
        ServerTime = new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero),
        ArchiveReadyCount = 0,
    };

    public static ServerFacts Primary() => Facts(inRecovery: false);

    /// <summary>A standby streaming from 127.0.0.1:<paramref name="upstreamPort"/> with replay caught up.</summary>
    public static ServerFacts Standby(int upstreamPort = 5501) => Facts(inRecovery: true) with
    {
        WalReceiver = new WalReceiverInfo("streaming", "127.0.0.1", upstreamPort, 1, null),
        ReceiveLsn = new Lsn(0x50007C8),
        ReplayLsn = new Lsn(0x50007C8),
        LastReplayTimestamp = new DateTimeOffset(2026, 11, 25, 15, 59, 0, TimeSpan.Zero),
    };
}
