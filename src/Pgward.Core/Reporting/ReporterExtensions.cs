namespace Pgward.Core.Reporting;

public static class ReporterExtensions
{
    public static void Info(this IReporter reporter, string message) => reporter.Report(ReportLevel.Info, message);
    public static void Notice(this IReporter reporter, string message) => reporter.Report(ReportLevel.Notice, message);
    public static void Warning(this IReporter reporter, string message) => reporter.Report(ReportLevel.Warning, message);
    public static void Error(this IReporter reporter, string message) => reporter.Report(ReportLevel.Error, message);
    public static void Detail(this IReporter reporter, string message) => reporter.Report(ReportLevel.Detail, message);
    public static void Hint(this IReporter reporter, string message) => reporter.Report(ReportLevel.Hint, message);
    public static void Debug(this IReporter reporter, string message) => reporter.Report(ReportLevel.Debug, message);
}
