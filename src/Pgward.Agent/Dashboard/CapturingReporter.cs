using Pgward.Core.Reporting;

namespace Pgward.Agent.Dashboard;

/// <summary>Keeps what an operation started from the dashboard reports (its NOTICE, WARNING, ERROR, DETAIL and HINT
/// lines) for the page to show, and passes every line on to the agent's own reporter, its log.</summary>
public sealed class CapturingReporter(IReporter inner) : IReporter
{
    private readonly Lock gate = new();
    private readonly List<string> lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public void Report(ReportLevel level, string message)
    {
        inner.Report(level, message);
        if (level > ReportLevel.Info)
        {
            lock (gate)
            {
                lines.Add($"{level.ToString().ToUpperInvariant()}: {message}");
            }
        }
    }

    public void Progress(string message) => inner.Progress(message);
}
