using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;
using Pgward.Backup.Files;
using Pgward.Cluster;

namespace Pgward.Agent.Backups;

/// <summary>
/// The backup sessions the backup server drives on this node (<see cref="Http.BackupRoutes"/>): start
/// (<c>pg_backup_start</c>, non-exclusive, so it works on a standby too; then the listing), files, stop
/// (<c>pg_backup_stop</c>). A session no request used for <see cref="IdleTimeout"/> is aborted: its connection
/// closed, which ends the backup on the server, so a backup server that died does not leave one running.
/// </summary>
public sealed class BackupSessions : IDisposable
{
    /// <summary>How long a session may go without a request: 2 minutes (a files request in progress keeps it alive).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, BackupSession> sessions = new(StringComparer.Ordinal);
    private readonly OperationContext ctx;
    private readonly ILogger logger;
    private readonly ITimer reaper;

    public BackupSessions(OperationContext ctx, ILogger logger)
    {
        this.ctx = ctx;
        this.logger = logger;
        reaper = ctx.Time.CreateTimer(_ => AbortIdle(), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    public string DataDirectory => ctx.Options.DataDirectory;

    public async Task<(SessionStartReply? Reply, SessionError? Error)> StartAsync(string label, int jobs, CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            return (null, new SessionError($"the agent cannot connect to its server: {attempt.Error}", "check conninfo in this node's pgward.conf"));
        }
        try
        {
            await using var start = new NpgsqlCommand("SELECT pg_backup_start($1, fast => true)::text", connection);
            start.Parameters.Add(new NpgsqlParameter { Value = label });
            var lsn = (string)(await start.ExecuteScalarAsync(ct))!;
            var (timeline, checksums, blockSize, segmentBlocks) = await ControlAsync(connection, ct);
            var listedAt = ctx.Time.GetUtcNow();
            var listing = DataDirectoryListing.Of(ctx.Options.DataDirectory);
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            // No more threads than cores: more would only take turns.
            var compressor = new BlockCompressor(Math.Clamp(jobs, 1, Environment.ProcessorCount));
            sessions[id] = new BackupSession(id, label, connection, listing.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal), compressor, ctx.Time.GetUtcNow());
            BackupSessionLog.Started(logger, id, label, lsn, listing.Files.Count);
            return (new SessionStartReply(id, lsn, listedAt.ToUnixTimeMilliseconds(), listing.Files, listing.Directories, listing.Tablespaces,
                timeline, checksums, blockSize, segmentBlocks), null);
        }
        catch (Exception e) when (e is PostgresException or NpgsqlException or IOException or UnauthorizedAccessException)
        {
            await connection.DisposeAsync();
            BackupSessionLog.Failed(logger, e.Message);
            return (null, new SessionError($"cannot start the backup: {e.Message}"));
        }
    }

    /// <summary>The timeline of the checkpoint pg_backup_start waited for, and whether the server computes data
    /// checksums: what decides whether a later incremental may trust this backup's page LSNs (<see cref="LsnDelta"/>);
    /// the server's page size and the blocks in a relation segment file, which map the WAL's block numbers to files
    /// (<see cref="RelationFile"/>).</summary>
    private static async Task<(uint Timeline, bool DataChecksums, int BlockSize, int SegmentBlocks)> ControlAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // pg_settings gives segment_size in blocks (its unit is the page size).
        await using var control = new NpgsqlCommand(
            "SELECT timeline_id::bigint, current_setting('data_checksums') = 'on', current_setting('block_size')::int,"
            + " (SELECT setting::int FROM pg_settings WHERE name = 'segment_size') FROM pg_control_checkpoint()", connection);
        await using var row = await control.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return ((uint)row.GetInt64(0), row.GetBoolean(1), row.GetInt32(2), row.GetInt32(3));
    }

    /// <summary>The session, marked busy until <see cref="BackupSession.Leave"/>; null when there is none (ended or aborted).</summary>
    public BackupSession? Enter(string id)
    {
        if (!sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        session.Enter();
        return session;
    }

    public void Leave(BackupSession session) => session.Leave(ctx.Time.GetUtcNow());

    public async Task<(SessionStopReply? Reply, SessionError? Error)> StopAsync(string id, CancellationToken ct)
    {
        if (!sessions.TryRemove(id, out var session))
        {
            return (null, new SessionError($"no backup session {id}: it ended or was aborted after {IdleTimeout.TotalMinutes:0} minutes idle"));
        }
        using var compressor = session.Compressor;
        await using var connection = session.Connection;
        try
        {
            await using var stop = new NpgsqlCommand("SELECT lsn::text, labelfile, coalesce(spcmapfile, '') FROM pg_backup_stop(wait_for_archive => false)", connection);
            await using var reader = await stop.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var reply = new SessionStopReply(reader.GetString(1), reader.GetString(2), reader.GetString(0));
            BackupSessionLog.Stopped(logger, id, reply.StopLsn);
            return (reply, null);
        }
        catch (Exception e) when (e is PostgresException or NpgsqlException)
        {
            BackupSessionLog.Failed(logger, e.Message);
            return (null, new SessionError($"pg_backup_stop failed: {e.Message}"));
        }
    }

    /// <summary>Ends the session without pg_backup_stop: the backup is abandoned.</summary>
    public bool Abort(string id, string reason)
    {
        if (!sessions.TryRemove(id, out var session))
        {
            return false;
        }
        BackupSessionLog.Aborted(logger, id, reason);
        session.Connection.Dispose();
        session.Compressor.Dispose();
        return true;
    }

    public void Dispose()
    {
        reaper.Dispose();
        foreach (var id in sessions.Keys)
        {
            Abort(id, "the agent is stopping");
        }
    }

    private void AbortIdle()
    {
        var now = ctx.Time.GetUtcNow();
        foreach (var session in sessions.Values.Where(s => s.IdleLongerThan(IdleTimeout, now)))
        {
            Abort(session.Id, $"no request for {IdleTimeout.TotalMinutes:0} minutes");
        }
    }
}
