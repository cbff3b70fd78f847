using Pgward.Core.Postgres;
using Xunit;

namespace Pgward.UnitTests.Postgres;

public sealed class PgBinariesTests
{
    [Fact]
    public void NotFoundProblem_says_where_it_looked_and_how_to_install()
    {
        var problem = PgBinaries.NotFoundProblem(["/usr/lib/postgresql/15/bin"], pgBindirGiven: false);

        Assert.StartsWith("PostgreSQL 15 binaries not found (looked in /usr/lib/postgresql/15/bin", problem, StringComparison.Ordinal);
        Assert.Contains("Install them with: sudo apt-get update && sudo apt-get install -y postgresql-15", problem, StringComparison.Ordinal);
        Assert.Contains("set pg_bindir", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void NotFoundProblem_asks_to_correct_pg_bindir_when_one_was_given() =>
        Assert.Contains("correct pg_bindir", PgBinaries.NotFoundProblem(["/opt/pg"], pgBindirGiven: true), StringComparison.Ordinal);

    [Fact]
    public void Locate_reports_a_problem_for_a_configured_directory_without_binaries_and_does_not_fall_back()
    {
        var lookup = PgBinaries.Locate("/nonexistent/pgward/bin");

        Assert.False(lookup.Found);
        Assert.Contains("(looked in /nonexistent/pgward/bin). Install them with:", lookup.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(PgBinaries.DebianDefaultBinDirectory, lookup.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)", 15)]
    [InlineData("PostgreSQL 16.2", 16)]
    [InlineData("postgres (PostgreSQL) 17beta1", 17)]
    public void ParseMajorVersion_reads_postgres_and_pg_config_version_output(string output, int major) =>
        Assert.Equal(major, PgBinaries.ParseMajorVersion(output));

    [Fact]
    public void ParseMajorVersion_returns_null_for_unrelated_output() =>
        Assert.Null(PgBinaries.ParseMajorVersion("bash: postgres: command not found"));

    [Fact]
    public void Tool_gives_the_full_path_in_the_binary_directory() =>
        Assert.Equal("/usr/lib/postgresql/15/bin/pg_rewind", new PgBinaries("/usr/lib/postgresql/15/bin", 15).Tool("pg_rewind"));
}
