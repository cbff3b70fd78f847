using Pgward.UnitTests.Failover.Simulation;
using Xunit;

namespace Pgward.UnitTests.Failover;

public sealed class DebugTests(ITestOutputHelper output)
{
    [Fact]
    public void Debug()
    {
        var seed = 27;
        var random = new Random(seed);
        var settings = FailoverRandomizedTests.BenignSettings(random);
        var cluster = new SimCluster(settings, seed);
        cluster.RunFor(TimeSpan.FromMilliseconds(random.Next(3000, 10000)));
        var primary = cluster.WritablePrimary ?? 0;
        output.WriteLine($"voters {settings.VoterCount} primary {primary} at {cluster.Elapsed}");
        cluster.Crash(primary);
        cluster.RunFor(TimeSpan.FromSeconds(8));
        foreach (var line in cluster.Log) output.WriteLine(line);
        foreach (var n in cluster.Nodes) output.WriteLine($"{n.Id} {n.Agent?.Status} lsn {n.Postgres.Lsn:X} tl {n.Postgres.Timeline}");
    }
}
