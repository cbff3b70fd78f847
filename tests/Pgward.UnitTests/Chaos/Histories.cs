using Pgward.Testing.Chaos;

namespace Pgward.UnitTests.Chaos;

/// <summary>Hand-made histories: times in seconds, client 1 unless said.</summary>
internal static class Histories
{
    public static WriteOperation Ack(long id, string node, double start, double end, int timeline = 1, int client = 1,
        SynchronousCommit commit = SynchronousCommit.On) =>
        new(id, client, Seconds(start), Seconds(end), WriteOutcome.Acknowledged, node, timeline, SynchronousCommit: commit);

    public static WriteOperation Failed(long id, double start, double end, int client = 1) =>
        new(id, client, Seconds(start), Seconds(end), WriteOutcome.Failed, Error: "connection refused");

    public static WriteOperation Unknown(long id, double start, double end, int client = 1) =>
        new(id, client, Seconds(start), Seconds(end), WriteOutcome.Unknown, Error: "timeout");

    public static ChaosHistory Of(params WriteOperation[] writes) => new(writes, []);

    public static TimeSpan Seconds(double value) => TimeSpan.FromSeconds(value);

    public static NodeRows Rows(string node, params long[] ids) => new(node, ids);
}
