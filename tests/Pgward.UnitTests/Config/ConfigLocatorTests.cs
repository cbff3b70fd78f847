using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigLocatorTests
{
    private static ConfigLocation Locate(string? explicitPath, string? env, params string[] existing) =>
        ConfigLocator.Locate(
            explicitPath,
            name => name == "PGWARD_CONF" ? env : null,
            "/home/pg",
            existing.Contains);

    [Fact]
    public void Locate_prefers_explicit_path_over_everything()
    {
        var location = Locate("/srv/node.conf", "/env.conf", "/srv/node.conf", "/env.conf", "/home/pg/pgward.conf", "/etc/pgward.conf");

        Assert.Equal("/srv/node.conf", location.Path);
    }

    [Fact]
    public void Locate_resolves_relative_explicit_path_against_current_directory()
    {
        Assert.Equal("/home/pg/conf/node.conf", Locate("conf/node.conf", null, "/home/pg/conf/node.conf").Path);
    }

    [Fact]
    public void Locate_fails_without_fallback_when_explicit_path_is_missing()
    {
        var location = Locate("/srv/node.conf", null, "/etc/pgward.conf");

        Assert.Null(location.Path);
        Assert.Equal("/srv/node.conf", location.Problem!.File);
        Assert.Contains("-f", location.Problem.Message);
    }

    [Theory]
    [InlineData("/srv/pgward", null, "given with -f")]
    [InlineData(null, "/srv/pgward", "named by PGWARD_CONF")]
    public void Locate_says_the_path_is_a_directory_and_names_the_file_to_give(string? explicitPath, string? env, string how)
    {
        var location = ConfigLocator.Locate(explicitPath, name => name == "PGWARD_CONF" ? env : null, "/home/pg", _ => false,
            directoryExists: path => path == "/srv/pgward");

        Assert.Null(location.Path);
        Assert.Equal($"configuration file {how} is a directory; give the path of the file itself, e.g. /srv/pgward/pgward.conf",
            location.Problem!.Message);
    }

    [Fact]
    public void Locate_uses_environment_variable_when_no_explicit_path()
    {
        Assert.Equal("/env.conf", Locate(null, "/env.conf", "/env.conf", "/home/pg/pgward.conf").Path);
    }

    [Fact]
    public void Locate_fails_when_environment_variable_names_a_missing_file()
    {
        var location = Locate(null, "/env.conf", "/etc/pgward.conf");

        Assert.Equal("/env.conf", location.Problem!.File);
        Assert.Contains("PGWARD_CONF", location.Problem.Message);
    }

    [Fact]
    public void Locate_uses_current_directory_before_etc()
    {
        Assert.Equal("/home/pg/pgward.conf", Locate(null, null, "/home/pg/pgward.conf", "/etc/pgward.conf").Path);
        Assert.Equal("/etc/pgward.conf", Locate(null, "", "/etc/pgward.conf").Path);
    }

    [Fact]
    public void Locate_uses_the_package_place_in_etc_pgward_before_etc_pgward_conf()
    {
        Assert.Equal("/etc/pgward/pgward.conf", Locate(null, null, "/etc/pgward/pgward.conf", "/etc/pgward.conf").Path);
        Assert.Equal("/home/pg/pgward.conf", Locate(null, null, "/home/pg/pgward.conf", "/etc/pgward/pgward.conf").Path);
        Assert.Contains("/etc/pgward/pgward.conf", Locate(null, null).Problem!.Message);
    }

    [Fact]
    public void Locate_lists_every_place_searched_and_the_fix_when_nothing_is_found()
    {
        var problem = Locate(null, null).Problem!;

        Assert.Contains("/home/pg/pgward.conf", problem.Message);
        Assert.Contains("/etc/pgward.conf", problem.Message);
        Assert.Contains("-f", problem.Message);
        Assert.Contains("PGWARD_CONF", problem.Message);
    }
}
