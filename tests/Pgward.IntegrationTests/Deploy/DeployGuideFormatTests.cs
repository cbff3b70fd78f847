using System.Text.RegularExpressions;
using Xunit;

namespace Pgward.IntegrationTests.Deploy;

/// <summary>The guide's markers and the test's reading of them, without running anything: seconds, where
/// <see cref="DeployGuideTests"/> takes minutes.</summary>
public sealed partial class DeployGuideFormatTests
{
    [Fact]
    public void The_guide_s_markers_are_all_ones_the_test_runs()
    {
        var blocks = DeployGuide.Load();
        Assert.Empty(GuideRules.Problems(blocks, GuideMachines.HostNames));
        Assert.Contains(blocks, b => b.File == "/etc/pgward/pgward.conf" && b.Hosts.Contains("db1"));
        Assert.Contains(blocks, b => b.CommandLines.Contains("systemctl enable --now pgward"));
        // The standbys' restore_command (backup wal-fetch) is set in a block the test runs: its failover runs it too.
        Assert.Contains(blocks, b => !b.NotTested && b.Hosts.SequenceEqual(["db2", "db3"]) && b.User == "postgres"
            && b.CommandLines.Contains("pgward standby restore-command"));
    }

    [Fact]
    public void The_guide_s_table_of_hosts_has_the_addresses_the_test_gives_them()
    {
        var text = File.ReadAllText(Path.Combine(DeployGuide.RepositoryRoot(), DeployGuide.RelativePath));
        var table = TableRowRegex().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        var expected = GuideMachines.HostNames.Select((name, i) => (name, $"{GuideMachines.Subnet}.{i + 1}")).ToList();
        Assert.Equal(expected, table);
    }

    [Theory]
    [InlineData("```sh hots=db1\necho\n```\n", "a shell block names no host=")]
    [InlineData("```sh host=db9\necho\n```\n", "unknown host db9")]
    [InlineData("```sh host=db1 notets\necho\n```\n", "unknown marker notets")]
    [InlineData("```sh host=db1 usr=postgres\necho\n```\n", "unknown marker usr=")]
    [InlineData("```sh host=db1 notest\napt-get install -y haproxy\nrm -rf /var/lib/postgresql\n```\n", "more than package installation: rm -rf")]
    [InlineData("```sh host=db1\nsystemctl enable --now pgward\npgward daemon status\n```\n", "blocks of their own")]
    [InlineData("```sh host=db1\nsystemctl stop pgward\n```\n", "cannot stand in for: systemctl stop")]
    [InlineData("```ini file=etc/pgward.conf host=db1\nnode_id = 1\n```\n", "not an absolute path")]
    [InlineData("```ini file=/etc/pgward/pgward.conf host=db1 mode=600x\nnode_id = 1\n```\n", "not an octal file mode")]
    public void A_marker_the_test_cannot_follow_is_a_problem_not_a_block_left_out(string markdown, string problem)
    {
        var problems = GuideRules.Problems(DeployGuide.Parse(markdown), GuideMachines.HostNames);
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void A_block_s_info_string_gives_language_markers_and_flags_and_its_text_the_content()
    {
        var blocks = DeployGuide.Parse("text\n\n```ini file=/etc/x.conf host=db1,db2 user=postgres mode=0600 notest\na = 1\n\nb = 2\n```\n\n```\nplain\n```\n");
        Assert.Equal(2, blocks.Count);
        Assert.Equal(3, blocks[0].Line);
        Assert.Equal("ini", blocks[0].Language);
        Assert.Equal(["db1", "db2"], blocks[0].Hosts);
        Assert.Equal(("postgres", "/etc/x.conf", "0600", true), (blocks[0].User, blocks[0].File, blocks[0].Mode, blocks[0].NotTested));
        Assert.Equal("a = 1\n\nb = 2\n", blocks[0].Text);
        Assert.Equal(("", "root", "0644"), (blocks[1].Language, blocks[1].User, blocks[1].Mode));
        Assert.Empty(blocks[1].Hosts);
    }

    [Fact]
    public void A_service_unit_gives_its_commands_with_the_unit_s_environment_and_its_user()
    {
        var unit = ServiceUnit.Parse("haproxy", """
            [Service]
            Environment="CONFIG=/etc/haproxy/haproxy.cfg" "PIDFILE=/run/haproxy.pid" "EXTRAOPTS=-S /run/haproxy-master.sock"
            ExecStartPre=-/usr/sbin/haproxy -c -f ${CONFIG}
            ExecStart=/usr/sbin/haproxy -Ws -f $CONFIG -p $PIDFILE $EXTRAOPTS
            """);
        Assert.Equal("root", unit.User);
        Assert.Equal(["/usr/sbin/haproxy", "-Ws", "-f", "/etc/haproxy/haproxy.cfg", "-p", "/run/haproxy.pid", "-S", "/run/haproxy-master.sock"], unit.ExecStart);
        var pre = Assert.Single(unit.ExecStartPre);
        Assert.Equal(["/usr/sbin/haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg"], pre.Command);
        Assert.True(pre.IgnoreFailure);

        var pgward = ServiceUnit.Parse("pgward", "[Service]\nType=notify\nUser=postgres\nExecStart=/usr/bin/pgward -f /etc/pgward/pgward.conf daemon run\n");
        Assert.Equal("postgres", pgward.User);
        Assert.Equal(["pgward", "-f", "/etc/pgward/pgward.conf", "daemon", "run"], pgward.ExecStart);
    }

    [Fact]
    public void A_drop_in_adds_to_ExecStartPre_and_an_empty_ExecStart_replaces_the_command()
    {
        var unit = ServiceUnit.Parse("pgward", string.Join('\n',
            "[Service]\nUser=postgres\nExecStartPre=/bin/true\nExecStart=/usr/bin/pgward daemon run",
            "[Service]\nExecStartPre=/usr/bin/pgward node service --action=start",
            "[Service]\nExecStart=\nExecStart=/usr/bin/pgward -L INFO daemon run"));
        Assert.Equal(["/bin/true", "pgward"], unit.ExecStartPre.Select(p => p.Command[0]));
        Assert.False(unit.ExecStartPre[1].IgnoreFailure);
        Assert.Equal(["pgward", "-L", "INFO", "daemon", "run"], unit.ExecStart);
    }

    [Fact]
    public void A_quoted_word_of_an_Exec_line_stays_one_argument()
    {
        var unit = ServiceUnit.Parse("pgward", "[Service]\nExecStartPre=-/bin/sh -c 'pg_ctl status -D /data || exec pgward node service' \"a b\"\nExecStart=/usr/bin/pgward daemon run");
        Assert.Equal(["/bin/sh", "-c", "pg_ctl status -D /data || exec pgward node service", "a b"], unit.ExecStartPre[0].Command);
    }

    [GeneratedRegex(@"^\| `([a-z0-9]+)` +\| ([0-9.]+) +\|", RegexOptions.Multiline)]
    private static partial Regex TableRowRegex();
}
