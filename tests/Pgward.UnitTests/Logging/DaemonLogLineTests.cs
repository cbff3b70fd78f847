using Microsoft.Extensions.Logging;
using Pgward.Core.Logging;
using Pgward.Core.Reporting;
using Xunit;

namespace Pgward.UnitTests.Logging;

public sealed class DaemonLogLineTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 4, 12, 0, 1, 234, TimeSpan.FromHours(2));

    [Fact]
    public void Plain_line_has_the_utc_timestamp_the_level_the_subsystem_and_the_event_id()
    {
        Assert.Equal("2026-05-04T10:00:01.234Z WARNING failover[2041]: fenced at term 7",
            DaemonLogLine.Format(At, DaemonLogLine.Of(LogLevel.Warning), LogSubsystems.Failover, 2041, "fenced at term 7", DaemonLogFormat.Plain));
        Assert.Equal("2026-05-04T10:00:01.234Z NOTICE backup: streaming WAL into /b/wals",
            DaemonLogLine.Format(At, DaemonLogLine.Of(ReportLevel.Notice)!, LogSubsystems.Backup, 0, "streaming WAL into /b/wals", DaemonLogFormat.Plain));
    }

    [Theory]
    [InlineData(LogLevel.Debug, "<7>monitor[3010]: m")]
    [InlineData(LogLevel.Information, "<6>monitor[3010]: m")]
    [InlineData(LogLevel.Warning, "<4>monitor[3010]: m")]
    [InlineData(LogLevel.Error, "<3>monitor[3010]: m")]
    [InlineData(LogLevel.Critical, "<2>monitor[3010]: m")]
    public void Journald_line_starts_with_the_syslog_priority_of_the_level_and_leaves_the_timestamp_to_the_journal(LogLevel level, string line)
    {
        Assert.Equal(line, DaemonLogLine.Format(At, DaemonLogLine.Of(level), LogSubsystems.Monitor, 3010, "m", DaemonLogFormat.Journald));
    }

    [Fact]
    public void A_message_with_line_breaks_stays_one_line_so_that_every_line_carries_its_timestamp()
    {
        var line = DaemonLogLine.Format(At, DaemonLogLine.Of(LogLevel.Error), LogSubsystems.Loops, 1001, "failed\n   at Foo()\r\n   at Bar()", DaemonLogFormat.Plain);

        Assert.Equal("2026-05-04T10:00:01.234Z ERROR loops[1001]: failed |    at Foo() |    at Bar()", line);
    }

    [Theory]
    [InlineData("failover", "failover")]
    [InlineData("Microsoft.AspNetCore.Server.Kestrel", "http")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", "http")]
    [InlineData("Microsoft.Extensions.Hosting.Internal.Host", "host")]
    [InlineData("Microsoft.Hosting.Lifetime", "host")]
    public void Categories_of_asp_net_core_and_the_host_are_named_as_subsystems(string category, string subsystem)
    {
        Assert.Equal(subsystem, DaemonLogLine.Subsystem(category));
    }

    [Theory]
    [InlineData(null, null, DaemonLogFormat.Plain)]
    [InlineData("", "8:12", DaemonLogFormat.Plain)]
    [InlineData("8:12", "8:12", DaemonLogFormat.Journald)]
    [InlineData("8:12", null, DaemonLogFormat.Journald)]
    [InlineData("8:12", "2049:77", DaemonLogFormat.Plain)]
    public void Journal_stream_selects_the_journald_format_when_the_output_is_that_stream(string? journalStream, string? output, DaemonLogFormat format)
    {
        Assert.Equal(format, DaemonLogFormats.Choose(journalStream, output));
    }

    [Fact]
    public void Provider_writes_each_logger_message_as_one_line_under_its_category()
    {
        var output = new StringWriter();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(
            new DaemonLoggerProvider(output, DaemonLogFormat.Plain, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(At))));

        loggers.CreateLogger(LogSubsystems.Lease).LogWarning(new EventId(2100), "lease lapsed at {Lsn}", "0/3000060");

        Assert.Equal("2026-05-04T10:00:01.234Z WARNING lease[2100]: lease lapsed at 0/3000060\n", output.ToString().ReplaceLineEndings("\n"));
    }
}
