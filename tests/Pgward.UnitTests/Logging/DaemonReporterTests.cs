using Microsoft.Extensions.Time.Testing;
using Pgward.Cli.Output;
using Pgward.Core.Logging;
using Pgward.Core.Reporting;
using Xunit;

namespace Pgward.UnitTests.Logging;

public sealed class DaemonReporterTests
{
    private readonly StringWriter output = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero));

    private string[] Lines => output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    [Fact]
    public void Reported_lines_carry_timestamp_level_and_subsystem_and_lines_below_the_minimum_are_dropped()
    {
        var reporter = new DaemonReporter(output, ReportLevel.Notice, LogSubsystems.Backup, DaemonLogFormat.Plain, time);

        reporter.Info("hidden");
        reporter.Notice("streaming WAL");
        reporter.Progress("copied 10 MB");

        Assert.Equal(["2026-05-04T10:00:00.000Z NOTICE backup: streaming WAL", "2026-05-04T10:00:00.000Z INFO backup: copied 10 MB"], Lines);
    }

    [Fact]
    public void Detail_and_hint_take_the_journal_priority_of_the_line_they_elaborate()
    {
        var reporter = new DaemonReporter(output, ReportLevel.Notice, LogSubsystems.Operation, DaemonLogFormat.Journald, time);

        reporter.Error("rejoin failed");
        reporter.Detail("pg_rewind exited with 1");
        reporter.Hint("clone the node again");

        Assert.Equal(["<3>operation: rejoin failed", "<3>operation: DETAIL: pg_rewind exited with 1", "<3>operation: HINT: clone the node again"], Lines);
    }
}
