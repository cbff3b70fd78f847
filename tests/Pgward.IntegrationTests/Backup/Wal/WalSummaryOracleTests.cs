using System.Globalization;
using System.Text.RegularExpressions;
using Pgward.Backup;
using Pgward.Backup.Wal;
using Pgward.Backup.Wal.Summary;
using Pgward.Core.Reporting;
using Pgward.Core.Postgres;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Backup.Wal;

/// <summary>
/// <see cref="WalSummarizer"/> against PostgreSQL's own reading of its WAL: a workload on a real PostgreSQL 15 server,
/// then the summary of the server's pg_wal segments compared with what <c>pg_waldump --bkp-details</c> prints for the
/// same range — every block reference, and the effect of every record that creates, truncates or drops relation files
/// or databases.
/// </summary>
public sealed partial class WalSummaryOracleTests : PgIntegrationTest
{
    /// <summary><c>HEAPBLOCKS_PER_PAGE</c>: the visibility map page the summary adds for each heap block a heap record
    /// touches (its bits are cleared without a block reference of their own).</summary>
    private const uint HeapBlocksPerVisibilityMapPage = 32_672;

    protected override TimeSpan Deadline => TimeSpan.FromSeconds(90);

    /// <summary>What the range covers: heap and index changes with full-page images (pglz-compressed with holes, then
    /// uncompressed), vacuum setting visibility map bits and truncating a table, relations created, truncated, dropped
    /// and rolled back, an unlogged table's init fork, databases copied both ways and dropped, and a segment switch.</summary>
    private static readonly string[] Workload =
    [
        "UPDATE t SET filler = upper(filler) WHERE id % 7 = 0",
        "DELETE FROM t WHERE id % 11 = 0",
        "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(20001, 150000) g",
        "VACUUM t",
        "DELETE FROM tv WHERE id > 2000",
        "VACUUM tv",
        "CREATE TABLE u (a int, b text)",
        "INSERT INTO u SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g",
        "CREATE INDEX u_a ON u (a)",
        "SELECT pg_switch_wal()",
        "TRUNCATE u",
        "INSERT INTO u VALUES (1, 'y')",
        "CREATE UNLOGGED TABLE ul (a int PRIMARY KEY)",
        "INSERT INTO ul VALUES (1)",
        "BEGIN; CREATE TABLE r (a int); INSERT INTO r SELECT generate_series(1, 1000); ROLLBACK",
        "DROP TABLE u",
        "ALTER SYSTEM SET wal_compression = off",
        "SELECT pg_reload_conf()",
        "CREATE DATABASE d_copy STRATEGY FILE_COPY",
        "CREATE DATABASE d_wal STRATEGY WAL_LOG",
        "DROP DATABASE d_copy",
        "UPDATE t SET filler = 'z' WHERE id < 3000",
    ];

    [Fact]
    public async Task Summary_of_a_real_workload_matches_pg_waldump()
    {
        var server = await StartServerAsync("primary", PgServerSettings.Default
            .WithGuc("wal_keep_size", "1GB")
            .WithGuc("wal_compression", "pglz"));
        await server.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, filler text)", Token);
        await server.ExecuteAsync("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 20000) g", Token);
        await server.ExecuteAsync("CREATE TABLE tv (id int, filler text)", Token);
        await server.ExecuteAsync("INSERT INTO tv SELECT g, md5(g::text) FROM generate_series(1, 10000) g", Token);
        await server.ExecuteAsync("VACUUM", Token);
        await server.ExecuteAsync("CHECKPOINT", Token);

        var from = await InsertLsnAsync(server);
        foreach (var sql in Workload)
        {
            await server.ExecuteAsync(sql, Token);
        }
        var to = await InsertLsnAsync(server);
        // Flushes everything before `to` into the segment files; wal_keep_size keeps them from being recycled.
        await server.ExecuteAsync("SELECT pg_switch_wal()", Token);

        var segmentSize = await server.QueryScalarAsync<int>("SELECT setting::int FROM pg_settings WHERE name = 'wal_segment_size'", Token);
        var timeline = await server.QueryScalarAsync<uint>("SELECT timeline_id FROM pg_control_checkpoint()", Token);
        var walDirectory = Path.Combine(server.DataDirectory, "pg_wal");
        var firstSegment = from.Value / (ulong)segmentSize;
        var segments = new List<ReadOnlyMemory<byte>>();
        for (var segment = firstSegment; segment <= to.Value / (ulong)segmentSize; segment++)
        {
            var name = new Lsn(segment * (ulong)segmentSize).SegmentName(timeline, segmentSize);
            segments.Add(await File.ReadAllBytesAsync(Path.Combine(walDirectory, name), Token));
        }

        var result = WalSummarizer.Summarize(segments, firstSegment * (ulong)segmentSize, segmentSize, from.Value, to.Value);
        Assert.True(result.Problem is null, result.Problem);
        var summary = result.Summary!;

        var env = PgTestEnvironment.Require();
        var dump = await env.Runner.RunAsync(env.ToolRequest("pg_waldump",
            ["--bkp-details", "--start", from.ToString(), "--end", to.ToString(), "-p", walDirectory], TimeSpan.FromSeconds(60)), Token);
        Assert.True(dump.Succeeded, dump.Describe());
        var expected = Oracle.Parse(dump.StandardOutput);

        Assert.True(segments.Count >= 3, $"the workload should span segments; it took {segments.Count}");
        expected.AssertCovers();
        AssertSameForks(expected, summary);
        Assert.Equal(expected.Databases.Order(), summary.Databases.Order());

        await AssertSegmentSummariesAddUpAsync(segments, new WalSegment(timeline, firstSegment), segmentSize);
    }

    /// <summary>The receiver's summaries of the same segments, one per segment as each arrives (<see cref="SegmentSummaries"/>:
    /// most of a segment at once, its last record when the next has come), add up to the summary of all the records that
    /// begin in them, read in one go. The last segment was closed by a WAL switch, so it is summarised too.</summary>
    private async Task AssertSegmentSummariesAddUpAsync(List<ReadOnlyMemory<byte>> segments, WalSegment first, int segmentSize)
    {
        var layout = new BackupLayout(await Directory.CreateSubdirectoryAsync("summaries", Token));
        var lines = new List<string>();
        await using (var summaries = new SegmentSummaries(new WalArchive(layout, segmentSize), new LineReporter(lines)))
        {
            for (var i = 0; i < segments.Count; i++)
            {
                summaries.Offer(first with { Number = first.Number + (ulong)i }, segments[i].Span);
            }
        }
        Assert.Empty(lines);
        var store = new WalSummaryStore(layout, segmentSize);
        var added = new WalBlockSummary();
        for (var i = 0; i < segments.Count; i++)
        {
            var read = store.Read(first with { Number = first.Number + (ulong)i });
            Assert.True(read?.Summary is not null, read?.Problem ?? $"segment {i} of {segments.Count} has no summary");
            added.Add(read!.Summary!);
        }
        var start = first.Start(segmentSize).Value;
        var oneGo = WalSummarizer.Summarize(segments, start, segmentSize, start, start + (ulong)(segments.Count * segmentSize));
        Assert.True(oneGo.Problem is null, oneGo.Problem);
        Assert.Equal(Describe(oneGo.Summary!), Describe(added));
    }

    private static string Describe(WalBlockSummary summary) =>
        string.Join('\n', summary.Forks.OrderBy(f => (f.File.Tablespace, f.File.Database, f.File.RelFile, f.Fork))
            .Select(f => (Fork: f, Changes: summary.Changes(f.File, f.Fork)!))
            .Select(x => $"{x.Fork.File} {x.Fork.Fork}: limit {x.Changes.Limit?.ToString(CultureInfo.InvariantCulture) ?? "-"} [{string.Join(' ', x.Changes.Blocks)}]")
            .Concat(summary.Databases.Order().Select(d => $"database {d.Tablespace}/{d.Database}")));

    private sealed class LineReporter(List<string> lines) : IReporter
    {
        public void Report(ReportLevel level, string message)
        {
            if (level is ReportLevel.Warning or ReportLevel.Error)
            {
                lock (lines)
                {
                    lines.Add($"{level}: {message}");
                }
            }
        }

        public void Progress(string message)
        {
        }
    }

    private async Task<Lsn> InsertLsnAsync(PgServer server) =>
        Lsn.Parse(await server.QueryScalarAsync<string>("SELECT pg_current_wal_insert_lsn()::text", Token));

    /// <summary>Each fork's limit and blocks below it, as pg_waldump's records say they should be.</summary>
    private static void AssertSameForks(Oracle expected, WalBlockSummary summary)
    {
        var forks = expected.Blocks.Select(b => b.Fork).Concat(expected.Limits.Keys).ToHashSet();
        var missing = forks.Where(f => summary.Changes(f.File, f.Fork) is null).ToList();
        var extra = summary.Forks.Where(f => !forks.Contains(f)).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"forks pg_waldump names that the summary lacks: {Few(missing)}; forks the summary has that pg_waldump does not name: {Few(extra)}");
        var wrong = new List<string>();
        foreach (var fork in forks)
        {
            var changes = summary.Changes(fork.File, fork.Fork)!;
            uint? limit = expected.Limits.TryGetValue(fork, out var l) ? l : null;
            var blocks = expected.Blocks.Where(b => b.Fork == fork && (limit is null || b.Block < limit)).Select(b => b.Block).Order().ToList();
            if (changes.Limit != limit || !changes.Blocks.SequenceEqual(blocks))
            {
                wrong.Add($"{fork.File} {fork.Fork}: summary limit {changes.Limit?.ToString(CultureInfo.InvariantCulture) ?? "none"} blocks [{Few(changes.Blocks)}], "
                    + $"pg_waldump limit {limit?.ToString(CultureInfo.InvariantCulture) ?? "none"} blocks [{Few(blocks)}]");
            }
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(20)));
    }

    private static string Few<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        return string.Join(' ', list.Take(30)) + (list.Count > 30 ? $" ... ({list.Count} in all)" : "");
    }

    /// <summary>What pg_waldump's output says a summary must hold.</summary>
    private sealed class Oracle
    {
        public HashSet<(RelationFork Fork, uint Block)> Blocks { get; } = [];

        public Dictionary<RelationFork, uint> Limits { get; } = [];

        public HashSet<(uint Tablespace, uint Database)> Databases { get; } = [];

        private readonly HashSet<string> _seen = [];

        public static Oracle Parse(string dump)
        {
            var oracle = new Oracle();
            string? resourceManager = null;
            foreach (var line in dump.Split('\n'))
            {
                if (RecordLine().Match(line) is { Success: true } record)
                {
                    resourceManager = record.Groups[1].Value;
                    oracle.ApplyDescription(resourceManager, record.Groups[2].Value);
                }
                else if (BlockLine().Match(line) is { Success: true } block && resourceManager is not null)
                {
                    oracle.AddBlock(resourceManager, block);
                }
            }
            return oracle;
        }

        /// <summary>Fails unless the workload produced every kind of record this test is meant to compare.</summary>
        public void AssertCovers()
        {
            string[] kinds = ["Storage CREATE", "Storage TRUNCATE", "Database CREATE_FILE_COPY", "Database CREATE_WAL_LOG",
                "Database DROP", "Transaction COMMIT rels", "Transaction ABORT rels", "XLOG SWITCH", "image compressed with a hole",
                "image not compressed", "fork vm", "fork fsm", "fork init"];
            Assert.True(kinds.All(_seen.Contains), $"the workload did not produce: {string.Join(", ", kinds.Where(k => !_seen.Contains(k)))}");
        }

        private void AddBlock(string resourceManager, Match block)
        {
            var file = new RelFileId(UInt(block.Groups[1]), UInt(block.Groups[2]), UInt(block.Groups[3]));
            var fork = block.Groups[4].Success ? ForkNamed(block.Groups[4].Value) : ForkNumber.Main;
            var number = UInt(block.Groups[5]);
            Blocks.Add((new RelationFork(file, fork), number));
            if (fork == ForkNumber.Main && resourceManager is "Heap" or "Heap2")
            {
                Blocks.Add((new RelationFork(file, ForkNumber.VisibilityMap), number / HeapBlocksPerVisibilityMapPage));
            }
            _seen.Add($"fork {fork switch { ForkNumber.VisibilityMap => "vm", ForkNumber.Fsm => "fsm", ForkNumber.Init => "init", _ => "main" }}");
            var image = block.Groups[6].Value;
            if (image.Length > 0)
            {
                _seen.Add(image.Contains("method:", StringComparison.Ordinal)
                    ? image.Contains("hole: offset: 0,", StringComparison.Ordinal) ? "image compressed" : "image compressed with a hole"
                    : "image not compressed");
            }
        }

        private void ApplyDescription(string resourceManager, string description)
        {
            var kind = description.Split(' ', 2)[0];
            _seen.Add($"{resourceManager} {kind}");
            switch (resourceManager, kind)
            {
                case ("Storage", "CREATE"):
                    var created = RelationPath(description.Split(' ')[1]);
                    Limit(created, 0);
                    break;
                case ("Storage", "TRUNCATE"):
                    var truncate = Truncation().Match(description);
                    var file = RelationPath(truncate.Groups[1].Value).File;
                    var flags = UInt(truncate.Groups[3]);
                    if ((flags & 1) != 0) Limit(new RelationFork(file, ForkNumber.Main), UInt(truncate.Groups[2]));
                    if ((flags & 2) != 0) Limit(new RelationFork(file, ForkNumber.VisibilityMap), 0);
                    if ((flags & 4) != 0) Limit(new RelationFork(file, ForkNumber.Fsm), 0);
                    break;
                case ("Database", "CREATE_FILE_COPY" or "CREATE_WAL_LOG" or "DROP"):
                    // "copy dir 1663/1 to 1663/16398": the copy's source is read, not changed.
                    var directories = DatabaseDirectory().Matches(description.Split(" to ")[^1]);
                    Databases.UnionWith(directories.Select(d => (UInt(d.Groups[1]), UInt(d.Groups[2]))));
                    break;
                case ("Transaction", "COMMIT" or "ABORT" or "COMMIT_PREPARED" or "ABORT_PREPARED"):
                    if (DroppedRelations().Match(description) is { Success: true } rels)
                    {
                        _seen.Add($"Transaction {kind} rels");
                        foreach (var path in rels.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            foreach (var fork in Enum.GetValues<ForkNumber>())
                            {
                                Limit(new RelationFork(RelationPath(path).File, fork), 0);
                            }
                        }
                    }
                    break;
            }
        }

        private void Limit(RelationFork fork, uint limit) =>
            Limits[fork] = Limits.TryGetValue(fork, out var current) ? Math.Min(current, limit) : limit;

        /// <summary>A path as <c>relpathperm</c> prints it: <c>global/R</c>, <c>base/D/R</c> or
        /// <c>pg_tblspc/S/PG_15_.../D/R</c>, with <c>_fsm</c>, <c>_vm</c> or <c>_init</c> for a fork.</summary>
        private static RelationFork RelationPath(string path)
        {
            var match = RelationPathPattern().Match(path);
            Assert.True(match.Success, $"pg_waldump printed a relation path not understood: {path}");
            var file = match.Groups[1].Success ? new RelFileId(1664, 0, UInt(match.Groups[1]))
                : match.Groups[2].Success ? new RelFileId(1663, UInt(match.Groups[2]), UInt(match.Groups[3]))
                : new RelFileId(UInt(match.Groups[4]), UInt(match.Groups[5]), UInt(match.Groups[6]));
            return new RelationFork(file, match.Groups[7].Success ? ForkNamed(match.Groups[7].Value) : ForkNumber.Main);
        }

        private static ForkNumber ForkNamed(string name) => name switch
        {
            "main" => ForkNumber.Main,
            "fsm" => ForkNumber.Fsm,
            "vm" => ForkNumber.VisibilityMap,
            "init" => ForkNumber.Init,
            _ => throw new FormatException($"pg_waldump printed fork \"{name}\""),
        };

        private static uint UInt(Group group) => uint.Parse(group.Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^rmgr: (\S+)\s+len .*, desc: (.*)$")]
    private static partial Regex RecordLine();

    [GeneratedRegex(@"^\s*blkref #\d+: rel (\d+)/(\d+)/(\d+)(?: fork (\w+))? blk (\d+)(.*)$")]
    private static partial Regex BlockLine();

    [GeneratedRegex(@"^TRUNCATE (\S+) to (\d+) blocks flags (\d+)")]
    private static partial Regex Truncation();

    [GeneratedRegex(@"(\d+)/(\d+)")]
    private static partial Regex DatabaseDirectory();

    [GeneratedRegex(@"; rels:([^;]*)")]
    private static partial Regex DroppedRelations();

    [GeneratedRegex(@"^(?:global/(\d+)|base/(\d+)/(\d+)|pg_tblspc/(\d+)/[^/]+/(\d+)/(\d+))(?:_(fsm|vm|init))?$")]
    private static partial Regex RelationPathPattern();
}
