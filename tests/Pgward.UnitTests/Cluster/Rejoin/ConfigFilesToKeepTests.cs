using Pgward.Cluster.Rejoin;
using Xunit;

namespace Pgward.UnitTests.Cluster.Rejoin;

public sealed class ConfigFilesToKeepTests
{
    [Fact]
    public void Select_keeps_standard_files_top_level_conf_files_includes_and_requested_files()
    {
        var (keep, outside) = ConfigFilesToKeep.Select("/srv/data",
            ["PG_VERSION", "pg_hba.conf", "postgresql.conf", "pgward-node.conf", "postgresql.auto.conf", "postmaster.pid", "pg_ident.conf"],
            ["/srv/data/conf.d/extra.conf", "/etc/postgresql/shared.conf"],
            ["server.crt", "/srv/data/pgward-node.conf", "/etc/ssl/key.pem"]);

        Assert.Equal(
        [
            "/srv/data/pg_hba.conf", "/srv/data/pg_ident.conf", "/srv/data/pgward-node.conf", "/srv/data/postgresql.auto.conf",
            "/srv/data/postgresql.conf", "/srv/data/conf.d/extra.conf", "/srv/data/server.crt",
        ], keep);
        Assert.Equal(["/etc/postgresql/shared.conf", "/etc/ssl/key.pem"], outside);
    }

    [Fact]
    public void Parse_reads_include_directives_with_quotes_and_comments()
    {
        var includes = ConfigInclude.Parse("""
            port = 5432
            include_if_exists = 'pgward-node.conf'
            include 'it''s.conf' # comment
            include_dir conf.d
            #include = 'ignored.conf'
            """);

        Assert.Equal(
        [
            new ConfigInclude("pgward-node.conf", IsDirectory: false),
            new ConfigInclude("it's.conf", IsDirectory: false),
            new ConfigInclude("conf.d", IsDirectory: true),
        ], includes);
    }
}
