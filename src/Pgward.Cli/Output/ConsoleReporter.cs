using Pgward.Core.Reporting;

namespace Pgward.Cli.Output;

/// <summary>
/// Writes report lines to stderr the way repmgr does (<c>NOTICE: ...</c>), so stdout carries only the
/// command's result (a table, JSON, CSV) and can be piped.
/// </summary>
public sealed class ConsoleReporter(TextWriter error, bool isTerminal, ReportLevel minimum) : IReporter
{
    private readonly Lock gate = new();
    private int progressWidth;

    public void Report(ReportLevel level, string message)
    {
        if (level < minimum && level is not (ReportLevel.Detail or ReportLevel.Hint))
        {
            return;
        }
        lock (gate)
        {
            EndProgressLine();
            error.WriteLine($"{Prefix(level)}: {message}");
        }
    }

    public void Progress(string message)
    {
        lock (gate)
        {
            if (!isTerminal)
            {
                // Progress is what long work is for: shown at the default level, hidden only by --quiet or a higher -L.
                if (minimum > ReportLevel.Notice)
                {
                    return;
                }
                error.WriteLine($"INFO: {message}");
                return;
            }
            error.Write('\r' + message.PadRight(progressWidth));
            progressWidth = message.Length;
        }
    }

    private void EndProgressLine()
    {
        if (progressWidth > 0)
        {
            error.WriteLine();
            progressWidth = 0;
        }
    }

    private static string Prefix(ReportLevel level) => level switch
    {
        ReportLevel.Debug => "DEBUG",
        ReportLevel.Info => "INFO",
        ReportLevel.Notice => "NOTICE",
        ReportLevel.Warning => "WARNING",
        ReportLevel.Error => "ERROR",
        ReportLevel.Detail => "DETAIL",
        ReportLevel.Hint => "HINT",
        _ => level.ToString().ToUpperInvariant(),
    };
}
