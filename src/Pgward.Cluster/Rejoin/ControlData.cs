using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Rejoin;

/// <summary>What <c>pg_controldata</c> says about a stopped data directory, as far as rejoining needs it.</summary>
/// <param name="MinRecoveryPoint">"Minimum recovery ending location": how far a server shut down in recovery had
/// replayed; 0/0 when unset.</param>
/// <param name="MinRecoveryTimeline">Its timeline; 0 when unset.</param>
public sealed record ControlData(
    ulong SystemIdentifier,
    string ClusterState,
    Lsn CheckpointLocation,
    int CheckpointTimeline,
    bool WalLogHints,
    int DataChecksumVersion,
    Lsn MinRecoveryPoint = default,
    int MinRecoveryTimeline = 0)
{
    /// <summary>
    /// A server shut down cleanly, as primary or standby. Anything else ("in production" after a crash or
    /// <c>kill -9</c>) has WAL past its last checkpoint that no tool can see without crash recovery.
    /// </summary>
    public bool ShutDownCleanly => ClusterState is "shut down" or "shut down in recovery";

    /// <summary>pg_rewind can only tell which pages changed when hint-bit writes are WAL-logged.</summary>
    public bool RewindPossible => WalLogHints || DataChecksumVersion > 0;

    /// <summary>Parses pg_controldata's output (run with <c>LC_ALL=C</c>); null with the reason when a field is missing.</summary>
    public static (ControlData? Data, string? Problem) Parse(string output)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        string? Field(string name) => fields.GetValueOrDefault(name);
        if (!ulong.TryParse(Field("Database system identifier"), NumberStyles.None, CultureInfo.InvariantCulture, out var systemId))
        {
            return Missing("Database system identifier");
        }
        if (Field("Database cluster state") is not { Length: > 0 } state)
        {
            return Missing("Database cluster state");
        }
        if (!Lsn.TryParse(Field("Latest checkpoint location"), out var checkpoint))
        {
            return Missing("Latest checkpoint location");
        }
        if (!int.TryParse(Field("Latest checkpoint's TimeLineID"), NumberStyles.None, CultureInfo.InvariantCulture, out var timeline))
        {
            return Missing("Latest checkpoint's TimeLineID");
        }
        var hints = Field("wal_log_hints setting");
        if (hints is not ("on" or "off"))
        {
            return Missing("wal_log_hints setting");
        }
        if (!int.TryParse(Field("Data page checksum version"), NumberStyles.None, CultureInfo.InvariantCulture, out var checksums))
        {
            return Missing("Data page checksum version");
        }
        // Printed by every pg_controldata since 9.x; read leniently, since only a rewind after a crash needs them.
        Lsn.TryParse(Field("Minimum recovery ending location"), out var minRecoveryPoint);
        int.TryParse(Field("Min recovery ending loc's timeline"), NumberStyles.None, CultureInfo.InvariantCulture, out var minRecoveryTimeline);
        return (new ControlData(systemId, state, checkpoint, timeline, hints == "on", checksums, minRecoveryPoint, minRecoveryTimeline), null);
    }

    private static (ControlData?, string?) Missing(string field) =>
        (null, $"pg_controldata did not report a readable \"{field}\"");
}
