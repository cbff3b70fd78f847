using Xunit;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>The fault suite's tests: the longest collection of the suite, started first (<see cref="LongestFirstOrderer"/>).</summary>
[CollectionDefinition(Name)]
[StartsFirst]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
