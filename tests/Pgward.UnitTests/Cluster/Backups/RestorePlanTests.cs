using Pgward.Cluster.Backups;
using Xunit;

namespace Pgward.UnitTests.Cluster.Backups;

public sealed class RestorePlanTests
{
    private static readonly RestoreManifest Manifest = new("20261205T000000", "tar", "7", 1, "0/2000028", "0/2000100",
    [
        new("base", RestoreEntry.Directory, 0),
        new("base/1", RestoreEntry.Directory, 0),
        new("base/1/1259", RestoreEntry.File, 8192, "CRC32C", "aabbccdd"),
        new("base/1/2600", RestoreEntry.File, 16384, "CRC32C", "11223344"),
        new("global", RestoreEntry.Directory, 0),
        new("global/pg_control", RestoreEntry.File, 8192, "CRC32C", "01020304"),
        new("backup_label", RestoreEntry.File, 200),
        new("pg_wal", RestoreEntry.Directory, 0),
        new("pg_tblspc", RestoreEntry.Directory, 0),
        new("pg_tblspc/16400", RestoreEntry.Directory, 0),
        new("pg_tblspc/16400/PG_15_1", RestoreEntry.Directory, 0),
    ],
    [new("16400", "/srv/ts")]);

    [Fact]
    public void Decide_fetches_everything_into_an_empty_directory()
    {
        var plan = RestorePlan.Decide(Manifest, [], delta: true);
        Assert.Empty(plan.ToCompare);
        Assert.Empty(plan.ToRemove);
        Assert.Equal(Manifest.Entries.Select(e => e.Path), plan.ToFetch);
    }

    [Fact]
    public void Decide_with_delta_checksums_same_size_files_fetches_the_rest_and_removes_what_the_backup_has_not()
    {
        LocalEntry[] local =
        [
            new("base", RestoreEntry.Directory, 0),
            new("base/1", RestoreEntry.Directory, 0),
            new("base/1/1259", RestoreEntry.File, 8192),
            new("base/1/2600", RestoreEntry.File, 8192),
            new("base/1/9999", RestoreEntry.File, 8192),
            new("global", RestoreEntry.Directory, 0),
            new("global/pg_control", RestoreEntry.File, 8192),
            new("backup_label", RestoreEntry.File, 200),
            new("pg_wal", RestoreEntry.Directory, 0),
            new("pg_wal/000000010000000000000003", RestoreEntry.File, 16 << 20),
            new("pg_replslot", RestoreEntry.Directory, 0),
            new("pg_replslot/node1", RestoreEntry.Directory, 0),
            new("pg_replslot/node1/state", RestoreEntry.File, 200),
            new("postmaster.pid", RestoreEntry.File, 80),
        ];
        var plan = RestorePlan.Decide(Manifest, local, delta: true);

        Assert.Equal(["base/1/1259", "global/pg_control"], plan.ToCompare.Select(c => c.Entry.Path));
        // Another size, no checksum in the manifest (backup_label), or missing: fetched.
        Assert.Equal(["base/1/2600", "backup_label", "pg_tblspc", "pg_tblspc/16400", "pg_tblspc/16400/PG_15_1"], plan.ToFetch);
        // A removed directory takes its contents: they are not listed again.
        Assert.Equal(["base/1/9999", "pg_replslot", "pg_wal/000000010000000000000003", "postmaster.pid"], plan.ToRemove);
    }

    [Fact]
    public void Decide_with_delta_compares_a_file_of_another_size_only_where_a_block_map_may_be()
    {
        RestoreManifest manifest = Manifest with
        {
            Entries =
            [
                new("base", RestoreEntry.Directory, 0),
                new("base/1", RestoreEntry.Directory, 0),
                new("base/1/16384", RestoreEntry.File, 2 << 20, "SHA256", "aa"),
                new("base/1/16385", RestoreEntry.File, PageDelta.MapThreshold - 8192, "SHA256", "bb"),
                new("base/1/16386", RestoreEntry.File, 4 << 20, "SHA256", "cc"),
            ],
        };
        LocalEntry[] local =
        [
            new("base", RestoreEntry.Directory, 0),
            new("base/1", RestoreEntry.Directory, 0),
            new("base/1/16384", RestoreEntry.File, 3 << 20),
            new("base/1/16385", RestoreEntry.File, PageDelta.MapThreshold),
            new("base/1/16386", RestoreEntry.File, 8192),
        ];
        var plan = RestorePlan.Decide(manifest, local, delta: true);

        // Grown and shrunk since the backup, of 1 MiB and more there: compared page by page with the local length kept.
        Assert.Equal([("base/1/16384", 3L << 20), ("base/1/16386", 8192L)], plan.ToCompare.Select(c => (c.Entry.Path, c.LocalSize)));
        // Under 1 MiB in the backup, no block map: another size is fetched whole.
        Assert.Equal(["base/1/16385"], plan.ToFetch);
    }

    [Fact]
    public void Fetching_includes_the_control_file_when_only_a_kept_file_changes_length()
    {
        var plan = new RestorePlan([], [], []);
        Assert.Empty(plan.Fetching([], resizing: false));
        Assert.Equal([RestorePlan.ControlFile], plan.Fetching([], resizing: true));
    }

    [Fact]
    public void Decide_without_delta_fetches_every_file_even_an_identical_one()
    {
        var plan = RestorePlan.Decide(Manifest, [new("base/1/1259", RestoreEntry.File, 8192)], delta: false);
        Assert.Empty(plan.ToCompare);
        Assert.Contains("base/1/1259", plan.ToFetch);
    }

    [Fact]
    public void Decide_replaces_an_entry_of_another_kind()
    {
        var plan = RestorePlan.Decide(Manifest, [new("pg_wal", RestoreEntry.Symlink, 0, "/elsewhere")], delta: true);
        Assert.Contains("pg_wal", plan.ToRemove);
        Assert.Contains("pg_wal", plan.ToFetch);
    }

    [Fact]
    public void Fetching_adds_the_control_file_whenever_anything_changes_and_nothing_when_all_is_identical()
    {
        var unchanged = new RestorePlan([], [], []);
        Assert.Empty(unchanged.Fetching([]));
        Assert.Equal(["base/1/1259", RestorePlan.ControlFile], unchanged.Fetching(["base/1/1259"]));
        Assert.Equal([RestorePlan.ControlFile], new RestorePlan([], [], ["postmaster.pid"]).Fetching([]));
    }

    [Fact]
    public void Paths_put_tablespace_contents_at_their_location_and_refuse_paths_leaving_the_directory()
    {
        var paths = new RestorePaths("/var/lib/pg/data", Manifest.Tablespaces);
        Assert.Equal("/var/lib/pg/data/base/1/1259", paths.Locate("base/1/1259"));
        Assert.Equal("/srv/ts", paths.Locate("pg_tblspc/16400"));
        Assert.Equal("/srv/ts/PG_15_1/5/16401", paths.Locate("pg_tblspc/16400/PG_15_1/5/16401"));
        Assert.Equal("/var/lib/pg/data/pg_tblspc/99", paths.Locate("pg_tblspc/99"));
        Assert.Throws<InvalidDataException>(() => paths.Locate("../etc/passwd"));
        Assert.Throws<InvalidDataException>(() => paths.Locate("/etc/passwd"));
        Assert.Throws<InvalidDataException>(() => paths.Locate("base//1"));
    }

    [Fact]
    public void Tablespace_map_reads_escaped_locations()
    {
        Assert.Equal([new("16400", "/srv/ts"), new("16401", @"/srv/a b\c")], TablespaceMap.Parse("16400 /srv/ts\n16401 /srv/a b\\\\c\n"));
    }
}
