using Pgward.Core.Logging;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Output;

/// <summary>
/// The reporter of a daemon (<c>daemon run</c>): the lines the operations it runs report (promote, rejoin, WAL
/// streaming) are log lines like the daemon's own (<see cref="DaemonLogLine"/>: timestamp, level, subsystem), not
/// <c>NOTICE: ...</c> as on a terminal. A DETAIL or HINT line keeps the level of the line it elaborates, so that the
/// journal files it beside that line.
/// </summary>
public sealed class DaemonReporter(TextWriter output, ReportLevel minimum, string subsystem, DaemonLogFormat format, TimeProvider time) : IReporter
{
    private readonly Lock gate = new();
    private LogLevelMark last = DaemonLogLine.Of(ReportLevel.Notice)!;

    public void Report(ReportLevel level, string message)
    {
        lock (gate)
        {
            if (DaemonLogLine.Of(level) is not { } mark)
            {
                var word = level.ToString().ToUpperInvariant();
                // The journal shows no level word, only the priority: the line says what it is itself.
                Write(last with { Word = word }, format == DaemonLogFormat.Journald ? $"{word}: {message}" : message);
            }
            else if (level >= minimum)
            {
                last = mark;
                Write(mark, message);
            }
        }
    }

    /// <summary>Progress of long work is an INFO line, shown at the default level as on a terminal.</summary>
    public void Progress(string message)
    {
        lock (gate)
        {
            if (minimum <= ReportLevel.Notice)
            {
                Write(DaemonLogLine.Of(ReportLevel.Info)!, message);
            }
        }
    }

    private void Write(LogLevelMark mark, string message)
    {
        output.WriteLine(DaemonLogLine.Format(time.GetUtcNow(), mark, subsystem, 0, message, format));
        output.Flush();
    }
}
