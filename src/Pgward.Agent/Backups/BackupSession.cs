using Npgsql;

namespace Pgward.Agent.Backups;

/// <summary>
/// One backup in progress on this node: the connection that called <c>pg_backup_start</c> (a non-exclusive backup
/// lives as long as its session: closing the connection ends it on the server) and the files it may read.
/// </summary>
public sealed class BackupSession(string id, string label, NpgsqlConnection connection, IReadOnlySet<string> files, BlockCompressor compressor, DateTimeOffset now)
{
    private readonly Lock gate = new();
    private int active;
    private DateTimeOffset lastUsed = now;

    public string Id => id;

    public string Label => label;

    public NpgsqlConnection Connection => connection;

    /// <summary>The paths listed at the start: the only files the session serves.</summary>
    public IReadOnlySet<string> Files => files;

    /// <summary>The threads that compress the session's files; ended with the session.</summary>
    public BlockCompressor Compressor => compressor;

    /// <summary>Marks a request running; idle time counts only while none runs.</summary>
    public void Enter()
    {
        lock (gate)
        {
            active++;
        }
    }

    public void Leave(DateTimeOffset now)
    {
        lock (gate)
        {
            active--;
            lastUsed = now;
        }
    }

    public bool IdleLongerThan(TimeSpan limit, DateTimeOffset now)
    {
        lock (gate)
        {
            return active == 0 && now - lastUsed > limit;
        }
    }
}
