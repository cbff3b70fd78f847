using Microsoft.Extensions.Logging;

namespace Pgward.UnitTests.Supervision;

/// <summary>A logger that keeps every line, for tests that assert what was logged and at which level.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly Lock gate = new();
    private readonly List<(LogLevel Level, string Text)> lines = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (gate)
        {
            lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
