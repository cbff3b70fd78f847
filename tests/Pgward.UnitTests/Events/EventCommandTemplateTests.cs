using Pgward.Core.Events;
using Xunit;

namespace Pgward.UnitTests.Events;

public sealed class EventCommandTemplateTests
{
    private const string Hostile = "it's; rm -rf x $(touch /tmp/pwned) `id` \"q\" \\ $HOME\nsecond line";

    private static readonly EventNotification Register = new(
        NodeId: 2,
        NodeName: "node2",
        Event: "standby_register",
        Success: true,
        Timestamp: new DateTimeOffset(2026, 11, 25, 16, 32, 12, TimeSpan.Zero).AddTicks(9_545_490),
        Details: "standby registration succeeded; upstream node ID is 1",
        RelatedNodeId: 1,
        RelatedConninfo: "host=127.0.0.1 port=5501 user=repmgr dbname=repmgr connect_timeout=2",
        RelatedNodeName: "node1");

    [Theory]
    [InlineData("/x.sh %n", "/x.sh \"${PGWARD_EVENT_NODE_ID}\"")]
    [InlineData("/x.sh \"%d\"", "/x.sh \"${PGWARD_EVENT_DETAILS}\"")]
    [InlineData("/x.sh '%d'", "/x.sh ''\"${PGWARD_EVENT_DETAILS}\"''")]
    [InlineData("/x.sh 'd=[%d]'", "/x.sh 'd=['\"${PGWARD_EVENT_DETAILS}\"']'")]
    [InlineData("/x.sh \"d=[%d] a=%a\"", "/x.sh \"d=[${PGWARD_EVENT_DETAILS}] a=${PGWARD_EVENT_RELATED_NODE_NAME}\"")]
    [InlineData("/x.sh %nabc", "/x.sh \"${PGWARD_EVENT_NODE_ID}\"abc")]
    public void ToScript_writes_reference_that_fits_the_surrounding_quotes(string template, string expected) =>
        Assert.Equal(expected, EventCommandTemplate.ToScript(template));

    [Theory]
    [InlineData('n', "PGWARD_EVENT_NODE_ID")]
    [InlineData('e', "PGWARD_EVENT_TYPE")]
    [InlineData('s', "PGWARD_EVENT_SUCCESS")]
    [InlineData('t', "PGWARD_EVENT_TIMESTAMP")]
    [InlineData('d', "PGWARD_EVENT_DETAILS")]
    [InlineData('p', "PGWARD_EVENT_RELATED_NODE_ID")]
    [InlineData('c', "PGWARD_EVENT_RELATED_CONNINFO")]
    [InlineData('a', "PGWARD_EVENT_RELATED_NODE_NAME")]
    public void ToScript_maps_each_repmgr_placeholder_to_its_variable(char letter, string variable) =>
        Assert.Equal($"\"${{{variable}}}\"", EventCommandTemplate.ToScript($"%{letter}"));

    [Theory]
    [InlineData("100%% done", "100% done")]
    [InlineData("%%n", "%n")]
    [InlineData("%x %Z %", "%x %Z %")]
    [InlineData("printf '%s\\n' x", "printf ''\"${PGWARD_EVENT_SUCCESS}\"'\\n' x")]
    [InlineData("echo \\%n", "echo \\%n")]
    public void ToScript_handles_literal_and_unknown_percent_sequences(string template, string expected) =>
        Assert.Equal(expected, EventCommandTemplate.ToScript(template));

    [Fact]
    public void ToScript_keeps_pipes_and_redirections()
    {
        var script = EventCommandTemplate.ToScript("/usr/bin/logger -t pgward \"%e %d\" | tee -a /tmp/a >> /tmp/events.log 2>&1");

        Assert.Equal("/usr/bin/logger -t pgward \"${PGWARD_EVENT_TYPE} ${PGWARD_EVENT_DETAILS}\" | tee -a /tmp/a >> /tmp/events.log 2>&1", script);
    }

    [Fact]
    public void ToScript_tracks_quotes_inside_command_substitution_and_backticks()
    {
        Assert.Equal(
            "echo \"$(printf '%%s' \"${PGWARD_EVENT_NODE_ID}\" ''\"${PGWARD_EVENT_DETAILS}\"'')\" \"${PGWARD_EVENT_TYPE}\"",
            EventCommandTemplate.ToScript("echo \"$(printf '%%%%s' %n '%d')\" %e"));
        Assert.Equal(
            "echo `echo \"${PGWARD_EVENT_NODE_ID}\"` \"${PGWARD_EVENT_TYPE}\"",
            EventCommandTemplate.ToScript("echo `echo %n` %e"));
    }

    [Fact]
    public void ToScript_ignores_quotes_in_comments()
    {
        Assert.Equal(
            "echo \"${PGWARD_EVENT_NODE_ID}\" # don't\necho \"${PGWARD_EVENT_TYPE}\"",
            EventCommandTemplate.ToScript("echo %n # don't\necho %e"));
    }

    [Fact]
    public void Render_never_puts_event_values_into_the_script()
    {
        var hostile = Register with { NodeName = Hostile, Details = Hostile, RelatedNodeName = Hostile, RelatedConninfo = Hostile, Event = Hostile };

        var rendered = EventCommandTemplate.Render("/x.sh %n %e '%d' \"%a\" %c %t", hostile);

        Assert.Equal(EventCommandTemplate.ToScript("/x.sh %n %e '%d' \"%a\" %c %t"), rendered.Script);
        Assert.DoesNotContain("rm -rf", rendered.Script, StringComparison.Ordinal);
        Assert.Equal(Hostile, rendered.Environment["PGWARD_EVENT_DETAILS"]);
        Assert.Equal(Hostile, rendered.Environment["PGWARD_EVENT_NODE_NAME"]);
        Assert.Equal(Hostile, rendered.Environment["PGWARD_EVENT_TYPE"]);
    }

    [Fact]
    public void Render_sets_every_variable_like_repmgr_values()
    {
        var environment = EventCommandTemplate.Render("/x.sh", Register).Environment;

        Assert.Equal("2", environment["PGWARD_EVENT_NODE_ID"]);
        Assert.Equal("node2", environment["PGWARD_EVENT_NODE_NAME"]);
        Assert.Equal("standby_register", environment["PGWARD_EVENT_TYPE"]);
        Assert.Equal("1", environment["PGWARD_EVENT_SUCCESS"]);
        Assert.Equal("2026-11-25 16:32:12.954549+00", environment["PGWARD_EVENT_TIMESTAMP"]);
        Assert.Equal("standby registration succeeded; upstream node ID is 1", environment["PGWARD_EVENT_DETAILS"]);
        Assert.Equal("1", environment["PGWARD_EVENT_RELATED_NODE_ID"]);
        Assert.Equal("host=127.0.0.1 port=5501 user=repmgr dbname=repmgr connect_timeout=2", environment["PGWARD_EVENT_RELATED_CONNINFO"]);
        Assert.Equal("node1", environment["PGWARD_EVENT_RELATED_NODE_NAME"]);
    }

    [Fact]
    public void Render_uses_own_node_name_for_a_when_there_is_no_related_node()
    {
        var environment = EventCommandTemplate.Render("%a", Register with { RelatedNodeId = null, RelatedConninfo = null, RelatedNodeName = null, Success = false }).Environment;

        Assert.Equal("node2", environment["PGWARD_EVENT_RELATED_NODE_NAME"]);
        Assert.Equal("", environment["PGWARD_EVENT_RELATED_NODE_ID"]);
        Assert.Equal("", environment["PGWARD_EVENT_RELATED_CONNINFO"]);
        Assert.Equal("0", environment["PGWARD_EVENT_SUCCESS"]);
    }

    [Fact]
    public void Render_drops_nul_characters_that_no_environment_can_hold() =>
        Assert.Equal("ab", EventCommandTemplate.Render("%d", Register with { Details = "a\0b" }).Environment["PGWARD_EVENT_DETAILS"]);

    [Theory]
    [InlineData(0L, "2026-11-25 16:32:12+00")]
    [InlineData(5_000_000L, "2026-11-25 16:32:12.5+00")]
    [InlineData(10L, "2026-11-25 16:32:12.000001+00")]
    [InlineData(9L, "2026-11-25 16:32:12+00")]
    public void FormatTimestamp_prints_postgres_style_utc_microseconds(long extraTicks, string expected) =>
        Assert.Equal(expected, EventEnvironment.FormatTimestamp(new DateTimeOffset(2026, 11, 25, 16, 32, 12, TimeSpan.Zero).AddTicks(extraTicks)));

    [Fact]
    public void FormatTimestamp_converts_to_utc() =>
        Assert.Equal("2026-11-25 16:32:12+00", EventEnvironment.FormatTimestamp(new DateTimeOffset(2026, 11, 25, 17, 32, 12, TimeSpan.FromHours(1))));
}
