using Npgsql.Replication;
using NpgsqlTypes;

namespace Pgward.Agent.Failover;

/// <summary>The commit lease's connection through Npgsql: over TCP (with the conninfo's TLS), or over the local socket
/// when the server asks for an authentication <see cref="SocketLeaseStream"/> does not speak.</summary>
internal sealed class NpgsqlLeaseStream(string connectionString) : ICommitLeaseStream
{
    // Npgsql's own periodic status update is not needed: every message is confirmed (or the connection closed).
    private readonly PhysicalReplicationConnection connection = new(connectionString) { WalReceiverStatusInterval = TimeSpan.FromMinutes(10) };

    public Task OpenAsync(CancellationToken ct) => connection.Open(ct);

    public async Task<(uint Timeline, ulong End)> IdentifySystemAsync(CancellationToken ct)
    {
        var system = await connection.IdentifySystem(ct);
        return (system.Timeline, (ulong)system.XLogPos);
    }

    public async Task StreamAsync(ulong start, uint timeline, Func<bool> stillOpen, Action firstConfirmed, CancellationToken ct)
    {
        var first = true;
        await foreach (var message in connection.StartReplication(new NpgsqlLogSequenceNumber(start), ct, timeline))
        {
            if (!stillOpen())
            {
                return;
            }
            connection.SetReplicationStatus(message.WalEnd);
            await connection.SendStatusUpdate(ct);
            if (first)
            {
                first = false;
                firstConfirmed();
            }
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
