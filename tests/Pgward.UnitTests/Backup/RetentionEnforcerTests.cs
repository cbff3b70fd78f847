using Microsoft.Extensions.Time.Testing;
using Pgward.Backup;
using Pgward.Backup.Catalog;
using Pgward.Backup.Retention;
using Pgward.Backup.Wal;
using Pgward.Core.Reporting;
using static Pgward.UnitTests.Backup.BackupInfos;
using Xunit;

namespace Pgward.UnitTests.Backup;

public sealed class RetentionEnforcerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pgward-unit-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Deletes_obsolete_backups_then_the_wal_only_they_needed()
    {
        var catalog = new BackupCatalog(new BackupLayout(_root));
        catalog.Save(Done("a", Now.AddDays(-3), beginSegment: 2));
        catalog.Save(Done("b", Now.AddDays(-2), beginSegment: 5));
        catalog.Save(Done("c", Now.AddDays(-1), beginSegment: 9));
        var archive = new FakeWalArchive();
        for (ulong n = 2; n <= 10; n++)
        {
            archive.Segments.Add(new WalSegment(1, n).Name(WalSegment.DefaultSize));
        }

        var run = new RetentionEnforcer(catalog, archive, new NullReporter(), new FakeTimeProvider(Now))
            .Apply(new RedundancyPolicy(2), minimumRedundancy: 1, dryRun: false);

        Assert.Equal(["a"], run.Deleted.Select(b => b.Id));
        Assert.Equal(["b", "c"], catalog.List().Select(b => b.Id));
        Assert.Equal(3, run.SegmentsDeleted);
        Assert.Equal("000000010000000000000005", run.OldestWalKept);
        Assert.DoesNotContain("000000010000000000000004", archive.Segments);
        Assert.Contains("000000010000000000000005", archive.Segments);
    }

    [Fact]
    public void Dry_run_deletes_nothing()
    {
        var catalog = new BackupCatalog(new BackupLayout(_root));
        catalog.Save(Done("a", Now.AddDays(-3)));
        catalog.Save(Done("b", Now.AddDays(-2)));
        var archive = new FakeWalArchive();
        archive.Segments.Add(new WalSegment(1, 1).Name(WalSegment.DefaultSize));

        var run = new RetentionEnforcer(catalog, archive, new NullReporter(), new FakeTimeProvider(Now))
            .Apply(new RedundancyPolicy(1), minimumRedundancy: 0, dryRun: true);

        Assert.Equal(["a"], run.Deleted.Select(b => b.Id));
        Assert.Equal(2, catalog.List().Count);
        Assert.Single(archive.Segments);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private sealed class NullReporter : IReporter
    {
        public void Report(ReportLevel level, string message)
        {
        }

        public void Progress(string message)
        {
        }
    }
}
