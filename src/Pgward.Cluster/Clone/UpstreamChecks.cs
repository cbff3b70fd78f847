using Npgsql;
using Npgsql.Replication;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Clone;

/// <summary>
/// What must hold on the upstream for <c>pg_basebackup -X stream</c> to work, checked before anything is written so
/// that every unmet prerequisite is named at once.
/// </summary>
public static class UpstreamChecks
{
    /// <summary><c>-X stream</c> uses one WAL sender for the base backup and one for the WAL stream.</summary>
    public const int WalSendersNeeded = 2;

    /// <param name="configurationOnly">The data directory is there already (<c>--replication-conf-only</c>): the standby
    /// needs one WAL sender, and a slot of its name that nothing uses is the one it streams through.</param>
    public static IReadOnlyList<CloneCheck> Evaluate(ServerFacts facts, int localMajorVersion, bool useSlots, string slotName, bool force,
        bool configurationOnly = false)
    {
        var checks = new List<CloneCheck>();
        var upstreamMajor = facts.ServerVersionNum / 10000;
        checks.Add(upstreamMajor == localMajorVersion
            ? CloneCheck.Pass("server version", $"upstream runs PostgreSQL {facts.ServerVersion}")
            : CloneCheck.Fail("server version",
                $"upstream runs PostgreSQL {facts.ServerVersion} but the local binaries are version {localMajorVersion}; set \"pg_bindir\" to matching binaries"));

        checks.Add(facts.WalLevel is "replica" or "logical"
            ? CloneCheck.Pass("wal_level", $"wal_level is \"{facts.WalLevel}\"")
            : CloneCheck.Fail("wal_level", $"wal_level is \"{facts.WalLevel}\" on the upstream; set it to \"replica\" and restart it"));

        var free = facts.MaxWalSenders - facts.WalSendersInUse;
        var needed = configurationOnly ? 1 : WalSendersNeeded;
        var who = configurationOnly ? "the standby" : "a clone";
        checks.Add(facts.MaxWalSenders < needed
            ? CloneCheck.Fail("max_wal_senders",
                $"max_wal_senders is {facts.MaxWalSenders} on the upstream; {who} needs {needed}, plus one per standby: raise it and restart the upstream")
            : free < needed
                ? CloneCheck.Fail("max_wal_senders",
                    $"{free} of {facts.MaxWalSenders} WAL senders are free on the upstream; {who} needs {needed}: raise max_wal_senders")
                : CloneCheck.Pass("max_wal_senders", $"{needed} WAL sender{(needed == 1 ? "" : "s")} required, {free} available"));

        if (useSlots)
        {
            checks.Add(configurationOnly ? KeptSlotCheck(facts, slotName) : SlotCheck(facts, slotName, force));
        }
        if (!facts.HotStandby)
        {
            checks.Add(CloneCheck.Pass("hot_standby", "hot_standby is off on the upstream: the standby will not accept read-only queries"));
        }
        return checks;
    }

    private static CloneCheck SlotCheck(ServerFacts facts, string slotName, bool force)
    {
        if (facts.Slots.FirstOrDefault(s => s.SlotName == slotName) is { } slot)
        {
            return slot.Active
                ? CloneCheck.Fail("replication slots", $"replication slot \"{slotName}\" exists on the upstream and is in use")
                : force
                    ? CloneCheck.Pass("replication slots", $"inactive replication slot \"{slotName}\" will be dropped and created again")
                    : CloneCheck.Fail("replication slots",
                        $"replication slot \"{slotName}\" already exists on the upstream; use -F/--force to drop and re-create it");
        }
        return facts.Slots.Count >= facts.MaxReplicationSlots
            ? CloneCheck.Fail("replication slots",
                $"all {facts.MaxReplicationSlots} replication slots are in use on the upstream; raise max_replication_slots")
            : CloneCheck.Pass("replication slots", $"{facts.MaxReplicationSlots - facts.Slots.Count} free replication slots on the upstream");
    }

    /// <summary>A standby whose data directory is there already keeps the slot of its name, which may hold the WAL it needs
    /// since its copy was made, or has one created.</summary>
    private static CloneCheck KeptSlotCheck(ServerFacts facts, string slotName) =>
        facts.Slots.FirstOrDefault(s => s.SlotName == slotName) is { } slot
            ? slot.Active
                ? CloneCheck.Fail("replication slots", $"replication slot \"{slotName}\" exists on the upstream and is in use")
                : CloneCheck.Pass("replication slots", $"replication slot \"{slotName}\" exists on the upstream and will be used")
            : facts.Slots.Count >= facts.MaxReplicationSlots
                ? CloneCheck.Fail("replication slots",
                    $"all {facts.MaxReplicationSlots} replication slots are in use on the upstream; raise max_replication_slots")
                : CloneCheck.Pass("replication slots", $"replication slot \"{slotName}\" will be created on the upstream");

    /// <summary>Opens a replication connection as pg_basebackup will (pg_hba's <c>replication</c> entries decide it).</summary>
    public static async Task<CloneCheck> ReplicationConnectionAsync(Conninfo replication, ulong systemIdentifier, CancellationToken ct)
    {
        try
        {
            await using var connection = new PhysicalReplicationConnection(replication.ToNpgsqlConnectionString());
            await connection.Open(ct);
            var system = await connection.IdentifySystem(ct);
            return system.SystemId.ToString(System.Globalization.CultureInfo.InvariantCulture) == systemIdentifier.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? CloneCheck.Pass("replication connection", $"replication connection as \"{replication.User}\" allowed")
                : CloneCheck.Fail("replication connection", "the replication connection reached a different cluster (system identifier differs)");
        }
        catch (PostgresException e)
        {
            return CloneCheck.Fail("replication connection",
                $"replication connection as \"{replication.User}\" refused: {e.MessageText}; add a \"host replication {replication.User} <address> ...\" line to the upstream's pg_hba.conf and reload it");
        }
        catch (NpgsqlException e)
        {
            return CloneCheck.Fail("replication connection", $"replication connection failed: {e.Message}");
        }
    }

    /// <summary>
    /// The <c>primary_conninfo</c> given with <c>--upstream-conninfo</c>, as repmgr's: tried with a replication connection.
    /// Reaching another cluster, or being refused, fails (the standby would never stream); not reaching anything passes,
    /// for it may name an upstream that is not there yet, or one on a network this host reaches later.
    /// </summary>
    public static async Task<CloneCheck> UpstreamConninfoAsync(Conninfo primary, ulong systemIdentifier, CancellationToken ct)
    {
        const string name = "upstream conninfo";
        try
        {
            await using var connection = new PhysicalReplicationConnection(primary.ToNpgsqlConnectionString());
            await connection.Open(ct);
            var system = await connection.IdentifySystem(ct);
            return system.SystemId == systemIdentifier.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? CloneCheck.Pass(name, $"--upstream-conninfo reaches the upstream's cluster as \"{primary.User}\": {primary.ToMaskedString()}")
                : CloneCheck.Fail(name, "--upstream-conninfo reaches a different cluster (system identifier differs)");
        }
        catch (PostgresException e)
        {
            return CloneCheck.Fail(name, $"--upstream-conninfo: replication connection as \"{primary.User}\" refused: {e.MessageText}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return CloneCheck.Pass(name, $"--upstream-conninfo does not answer now ({e.Message}): written as given, the standby streams once it does");
        }
    }
}
