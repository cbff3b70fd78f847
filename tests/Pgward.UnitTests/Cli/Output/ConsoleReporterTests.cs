using Pgward.Cli.Output;
using Pgward.Core.Reporting;
using Xunit;

namespace Pgward.UnitTests.Cli.Output;

public class ConsoleReporterTests
{
    private readonly StringWriter _error = new() { NewLine = "\n" };

    private ConsoleReporter Reporter(ReportLevel minimum = ReportLevel.Notice, bool isTerminal = false) =>
        new(_error, isTerminal, minimum);

    [Theory]
    [InlineData(ReportLevel.Debug, "DEBUG: m\n")]
    [InlineData(ReportLevel.Info, "INFO: m\n")]
    [InlineData(ReportLevel.Notice, "NOTICE: m\n")]
    [InlineData(ReportLevel.Warning, "WARNING: m\n")]
    [InlineData(ReportLevel.Error, "ERROR: m\n")]
    [InlineData(ReportLevel.Detail, "DETAIL: m\n")]
    [InlineData(ReportLevel.Hint, "HINT: m\n")]
    public void Report_prefixes_line_with_repmgr_level_name(ReportLevel level, string expected)
    {
        Reporter(ReportLevel.Debug).Report(level, "m");

        Assert.Equal(expected, _error.ToString());
    }

    [Fact]
    public void Report_hides_levels_below_minimum_but_keeps_detail_and_hint()
    {
        var reporter = Reporter(ReportLevel.Error);

        reporter.Info("info");
        reporter.Notice("notice");
        reporter.Warning("warning");
        reporter.Error("error");
        reporter.Detail("detail");
        reporter.Hint("hint");

        Assert.Equal("ERROR: error\nDETAIL: detail\nHINT: hint\n", _error.ToString());
    }

    [Fact]
    public void Progress_writes_plain_info_line_when_not_a_terminal()
    {
        Reporter().Progress("copied 10%");

        Assert.Equal("INFO: copied 10%\n", _error.ToString());
    }

    [Fact]
    public void Progress_redraws_in_place_and_next_report_starts_a_new_line_when_on_a_terminal()
    {
        var reporter = Reporter(isTerminal: true);

        reporter.Progress("copied 100 MB");
        reporter.Progress("done");
        reporter.Notice("clone finished");

        Assert.Equal("\rcopied 100 MB\rdone         \nNOTICE: clone finished\n", _error.ToString());
    }

    [Fact]
    public void Progress_is_hidden_when_quiet_and_not_a_terminal()
    {
        Reporter(ReportLevel.Warning).Progress("copied 10%");

        Assert.Equal("", _error.ToString());
    }
}
