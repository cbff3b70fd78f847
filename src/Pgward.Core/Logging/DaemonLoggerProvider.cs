using Microsoft.Extensions.Logging;

namespace Pgward.Core.Logging;

/// <summary>
/// Writes a daemon's log lines (<see cref="DaemonLogLine"/>) to <paramref name="output"/>, one whole line at a time,
/// as they are logged: no queue, so a line is out before the daemon acts on what it says (a READY sent after "listening"
/// is never seen before it). Loggers are named by their category, which for pgward's own is the subsystem
/// (<see cref="LogSubsystems"/>). Minimum levels and filters are the logging builder's.
/// </summary>
public sealed class DaemonLoggerProvider(TextWriter output, DaemonLogFormat format, TimeProvider time) : ILoggerProvider
{
    private readonly Lock gate = new();

    public DaemonLogFormat Format => format;

    /// <summary>Whether a line that passed the builder's filters is written, and at which level: given the category, the
    /// event and the level it was logged at, the level to write it at, or null to drop it. Default: as logged.</summary>
    public Func<string, EventId, LogLevel, LogLevel?> Admit { get; init; } = (_, _, level) => level;

    public ILogger CreateLogger(string categoryName) => new DaemonLogger(this, categoryName);

    internal void Write(string category, LogLevel logged, EventId eventId, string message, Exception? exception)
    {
        if (Admit(category, eventId, logged) is not { } level)
        {
            return;
        }
        // A framework's stack trace is not the operator's business: its exception's type and message say what happened.
        var text = exception is null ? message
            : category.StartsWith("Microsoft.", StringComparison.Ordinal) ? $"{message} {exception.GetType().Name}: {exception.Message}"
            : $"{message} {exception}";
        Write(level, DaemonLogLine.Subsystem(category), eventId.Id, text);
    }

    internal void Write(LogLevel level, string subsystem, int eventId, string text)
    {
        var line = DaemonLogLine.Format(time.GetUtcNow(), DaemonLogLine.Of(level), subsystem, eventId, text, format);
        lock (gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>Nothing to release: the output belongs to whoever gave it.</summary>
    public void Dispose()
    {
    }
}
