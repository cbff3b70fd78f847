using Xunit;

namespace Pgward.IntegrationTests.Packaging;

/// <summary>The package's tests, and the deployment guide's (its hosts run the package's executable), run alone, after the
/// others: the native build takes both cores for minutes. scripts/test starts that build in the background at the start
/// of a whole run, at the lowest CPU priority, so that here it is usually current.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackageCollection
{
    public const string Name = "package";
}
