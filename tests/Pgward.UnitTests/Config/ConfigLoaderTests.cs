using Pgward.Core.Config;
using Xunit;

namespace Pgward.UnitTests.Config;

public class ConfigLoaderTests
{
    private const string Required = """
        node_id = 1
        node_name = 'node1'
        conninfo = 'host=node1'
        data_directory = '/data'

        """;

    private static ConfigLoadResult Load(string path, Dictionary<string, string> files) =>
        ConfigLoader.LoadFile(path, p => files.GetValueOrDefault(p));

    /// <summary>The token in an include of mode 0600 is safe, whatever the mode of the file that includes it; once the
    /// include is 0644 it is not. A warning only: the agent runs, as libpq reads on past a .pgpass it will not use.</summary>
    [Fact]
    public void LoadFile_warns_of_a_token_in_a_file_other_users_may_read()
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/pgward/pgward.conf"] = Required + "include 'token.conf'\n",
            ["/etc/pgward/token.conf"] = "agent_token = 's3cret'\n",
        };
        var modes = new Dictionary<string, UnixFileMode>
        {
            ["/etc/pgward/pgward.conf"] = (UnixFileMode)0b110_100_100,
            ["/etc/pgward/token.conf"] = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        UnixFileMode? ModeOf(string path) => modes.TryGetValue(path, out var mode) ? mode : null;

        var safe = ConfigLoader.LoadFile("/etc/pgward/pgward.conf", p => files.GetValueOrDefault(p), ModeOf);
        modes["/etc/pgward/token.conf"] = (UnixFileMode)0b110_100_000;
        var exposed = ConfigLoader.LoadFile("/etc/pgward/pgward.conf", p => files.GetValueOrDefault(p), ModeOf);

        Assert.True(safe.Succeeded && exposed.Succeeded, string.Join("\n", exposed.Errors));
        Assert.Empty(safe.Warnings);
        var warning = Assert.Single(exposed.Warnings).ToString();
        Assert.Equal("/etc/pgward/token.conf:1: \"agent_token\": \"/etc/pgward/token.conf\" holds agent_token but other users of this host "
            + "may read it (mode 0640): chmod 600 \"/etc/pgward/token.conf\"", warning);
        Assert.DoesNotContain("s3cret", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_follows_include_relative_to_the_including_file()
    {
        var result = Load("/etc/pgward/pgward.conf", new()
        {
            ["/etc/pgward/pgward.conf"] = Required + "include 'conf.d/daemon.conf'\npriority = 5\n",
            ["/etc/pgward/conf.d/daemon.conf"] = "failover = automatic\n",
        });

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(FailoverMode.Automatic, result.Options!.Failover);
        Assert.Equal(5, result.Options.Priority);
    }

    [Fact]
    public void LoadFile_fails_naming_both_files_and_lines_when_an_include_sets_a_key_again()
    {
        var result = Load("/etc/pgward/pgward.conf", new()
        {
            ["/etc/pgward/pgward.conf"] = Required + "include 'conf.d/daemon.conf'\npriority = 5\n",
            ["/etc/pgward/conf.d/daemon.conf"] = "priority = 50\n",
        });

        var error = Assert.Single(result.Errors);
        Assert.Equal(
            "/etc/pgward/pgward.conf:6: \"priority\": set more than once: at /etc/pgward/conf.d/daemon.conf:1 and at /etc/pgward/pgward.conf:6; keep one of them",
            error.ToString());
    }

    [Fact]
    public void LoadFile_reports_included_file_and_line_when_it_has_an_error()
    {
        var result = Load("/etc/pgward.conf", new()
        {
            ["/etc/pgward.conf"] = Required + "include = 'extra.conf'\n",
            ["/etc/extra.conf"] = "\npriority = high\n",
        });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("/etc/extra.conf", 2, "priority"), (error.File, error.Line, error.Key));
    }

    [Fact]
    public void LoadFile_fails_when_included_file_is_missing_but_not_when_include_if_exists()
    {
        var files = new Dictionary<string, string> { ["/etc/pgward.conf"] = Required + "include_if_exists 'local.conf'\n" };
        Assert.True(Load("/etc/pgward.conf", files).Succeeded);

        files["/etc/pgward.conf"] = Required + "include 'local.conf'\n";
        var error = Assert.Single(Load("/etc/pgward.conf", files).Errors);
        Assert.Equal(5, error.Line);
        Assert.Contains("/etc/local.conf", error.Message);
    }

    [Fact]
    public void LoadFile_reports_loop_when_files_include_each_other()
    {
        var result = Load("/etc/a.conf", new()
        {
            ["/etc/a.conf"] = Required + "include 'b.conf'\n",
            ["/etc/b.conf"] = "include '/etc/a.conf'\n",
        });

        var error = Assert.Single(result.Errors);
        Assert.Equal(("/etc/b.conf", 1), (error.File, error.Line));
        Assert.Contains("include loop: /etc/a.conf -> /etc/b.conf -> /etc/a.conf", error.Message);
    }

    [Fact]
    public void LoadFile_reads_included_keys_into_the_section_of_the_include_line()
    {
        var result = Load("/etc/pgward.conf", new()
        {
            ["/etc/pgward.conf"] = Required + "[backup]\ninclude 'backup.conf'\n",
            ["/etc/backup.conf"] = "retention_policy = 'REDUNDANCY 3'\n",
        });

        Assert.True(result.Succeeded);
        Assert.Equal("REDUNDANCY 3", result.Sections["backup"]["retention_policy"]);
    }

    [Fact]
    public void LoadFile_returns_syntax_and_binding_errors_together()
    {
        var result = Load("/etc/pgward.conf", new() { ["/etc/pgward.conf"] = "node_id = 1 2\npriority = high\n" });

        Assert.Null(result.Options);
        Assert.Contains(result.Errors, e => e.Line == 1 && e.Message.Contains("syntax error"));
        Assert.Contains(result.Errors, e => e.Key == "priority");
        Assert.Contains(result.Errors, e => e.Key == "node_name");
    }

    [Fact]
    public void LoadFile_fails_with_the_path_when_file_does_not_exist()
    {
        var result = Load("/nowhere/pgward.conf", []);

        var error = Assert.Single(result.Errors);
        Assert.Equal("/nowhere/pgward.conf", error.File);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Load_reads_the_file_from_disk_when_given_with_f()
    {
        var dir = Directory.CreateTempSubdirectory("pgward-config-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "node.conf"), Required);

            var result = ConfigLoader.Load("node.conf", _ => null, dir.FullName);

            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            Assert.Equal(Path.Combine(dir.FullName, "node.conf"), result.Options!.ConfigFile);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
