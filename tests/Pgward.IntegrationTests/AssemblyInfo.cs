using Xunit;

// The machine has 2 cores and each integration test runs one or more PostgreSQL clusters: at most two tests at once.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

// The longest collections first, so that none runs alone at the end (LongestFirstOrderer).
[assembly: TestCollectionOrderer(typeof(Pgward.IntegrationTests.LongestFirstOrderer))]
