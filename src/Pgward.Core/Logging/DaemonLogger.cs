using Microsoft.Extensions.Logging;

namespace Pgward.Core.Logging;

/// <summary>One category's logger of a <see cref="DaemonLoggerProvider"/> (for pgward's own, the subsystem).</summary>
internal sealed class DaemonLogger(DaemonLoggerProvider provider, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    // The logging builder's filters decide; this logger writes whatever reaches it.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        provider.Write(category, logLevel, eventId, formatter(state, exception), exception);
    }
}
