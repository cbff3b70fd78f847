using Npgsql;

namespace Pgward.Testing.Chaos;

/// <summary>What the workload runs: writers through a multi-host read-write connection string, readers on standbys.</summary>
/// <param name="WriteConnectionString">How writers reach the primary, as an application would, e.g.
/// <c>Host=127.0.0.1:5432,127.0.0.1:5433;Target Session Attributes=read-write;Command Timeout=2;Pooling=false</c>.
/// Give it a command timeout: a write stuck on a frozen server then ends as unknown instead of hanging.</param>
public sealed record ChaosWorkloadOptions(string WriteConnectionString)
{
    /// <summary>Writer clients, each with its own connection and loop. Default 3; at most 999 (ids hold the client).</summary>
    public int Writers { get; init; } = 3;

    /// <summary>Reader clients. Default 1; 0 for none.</summary>
    public int Readers { get; init; } = 1;

    /// <summary>How readers connect; default: <see cref="WriteConnectionString"/> with
    /// <c>Target Session Attributes=prefer-standby</c>. Give a list of standby hosts to read from those only.</summary>
    public string? ReadConnectionString { get; init; }

    /// <summary>The table written; a run that shares a cluster with an earlier one uses its own table.</summary>
    public string Table { get; init; } = ChaosTable.DefaultName;

    /// <summary>Pause after each acknowledged write of a writer. Default 10 ms.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Pause between two reads of a reader. Default 100 ms.</summary>
    public TimeSpan ReadInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pause after a failure before a client reconnects. Default 50 ms.</summary>
    public TimeSpan ReconnectPause { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>A writer opens a new connection after this many writes on one, as a pool that recycles connections
    /// does; with <c>Load Balance Hosts=true</c> it then lands on any writable node, so a second primary that takes
    /// writes is seen. 0 (the default) keeps a connection until it fails.</summary>
    public int ReconnectEvery { get; init; }

    /// <summary>The <c>synchronous_commit</c> values of the writers, dealt round from a place drawn from
    /// <see cref="Seed"/> (<see cref="SettingOf"/>); each write records the one it ran with. Default: <c>on</c> only.</summary>
    public IReadOnlyList<SynchronousCommit> SynchronousCommits { get; init; } = [SynchronousCommit.On];

    /// <summary>Seeds which writer gets which <see cref="SynchronousCommits"/> value, so that a run's seed repeats it.
    /// Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The <c>synchronous_commit</c> of writer <paramref name="client"/> (from 1), for every connection it opens: the
    /// values dealt round the writers from a seeded start, so that with as many writers as values each value has one.
    /// </summary>
    /// <remarks>Why per writer, not drawn again at each connection: on a primary whose agent is gone, a commit with
    /// <c>on</c> waits until the client's command timeout cancels the wait, then is acknowledged with PostgreSQL's
    /// warning, and the connection is kept; 20 writes per connection then take 40 s. Writers that drew again at every
    /// connection all ended on such a connection within seconds, and none reached the new primary
    /// (<c>primary-agent-killed:async</c> seed 1).</remarks>
    public SynchronousCommit SettingOf(int client) =>
        SynchronousCommits[(new Random(Seed).Next(SynchronousCommits.Count) + client - 1) % SynchronousCommits.Count];

    /// <summary>The clients stop by themselves after this long if nobody stops them. Default 10 minutes.</summary>
    public TimeSpan MaximumDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stop waits for writes in flight to get their answer before cancelling them (they then end
    /// as unknown). Default 5 s.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most new rows per writer a reader takes in one read. Default 1000.</summary>
    public int ReadLimitPerClient { get; init; } = 1000;

    /// <summary>The run's clock: every start and end time is measured on it, from the workload's start.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public string EffectiveReadConnectionString => ReadConnectionString
        ?? new NpgsqlConnectionStringBuilder(WriteConnectionString) { TargetSessionAttributes = "prefer-standby" }.ConnectionString;

    /// <summary>Throws naming the first setting that cannot work.</summary>
    public void Validate()
    {
        Require(Writers is >= 1 and < 1000, $"Writers = {Writers}: give 1 to 999 writers");
        Require(Readers >= 0, $"Readers = {Readers}: give 0 or more readers");
        Require(WriteInterval >= TimeSpan.Zero && ReadInterval > TimeSpan.Zero && ReconnectPause > TimeSpan.Zero,
            "WriteInterval must be 0 or more, ReadInterval and ReconnectPause more than 0");
        Require(MaximumDuration > TimeSpan.Zero && StopGrace > TimeSpan.Zero, "MaximumDuration and StopGrace must be more than 0");
        Require(ReconnectEvery >= 0, $"ReconnectEvery = {ReconnectEvery}: give 0 (never) or more");
        Require(SynchronousCommits.Count > 0, "SynchronousCommits is empty: give at least one synchronous_commit for the writers");
        Require(ReadLimitPerClient >= 1, $"ReadLimitPerClient = {ReadLimitPerClient}: give 1 or more");
        _ = new ChaosTable(Table);
        _ = new NpgsqlConnectionStringBuilder(WriteConnectionString);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
