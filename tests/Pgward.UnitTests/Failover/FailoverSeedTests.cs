using Pgward.UnitTests.Failover.Simulation;
using Xunit;

namespace Pgward.UnitTests.Failover;

/// <summary>Seeds of <see cref="ChaosRun"/> that once failed, kept as named tests.</summary>
public sealed class FailoverSeedTests
{
    [Fact]
    public void Seed_1_stays_safe() => AssertSafe(1);

    private static void AssertSafe(int seed) => FailoverScenarioTests.AssertSafe(ChaosRun.Run(seed));
}
