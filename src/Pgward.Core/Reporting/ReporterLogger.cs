using Microsoft.Extensions.Logging;

namespace Pgward.Core.Reporting;

/// <summary>
/// An <see cref="ILogger"/> that writes to an <see cref="IReporter"/>, for code shared with the agent (which logs
/// through Microsoft.Extensions.Logging) that runs in a process reporting through <see cref="IReporter"/> (the backup
/// server's daemon). Information becomes a notice, Debug and Trace are dropped. An exception is named after the line
/// at Warning and written whole at Error, where it is a bug to find.
/// </summary>
public sealed class ReporterLogger(IReporter reporter) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var message = formatter(state, exception);
        switch (logLevel)
        {
            case LogLevel.Information:
                reporter.Notice(message);
                break;
            case LogLevel.Warning:
                reporter.Warning(exception is null ? message : $"{message} ({exception.GetType().Name})");
                break;
            default:
                reporter.Error(exception is null ? message : $"{message}{Environment.NewLine}{exception}");
                break;
        }
    }
}
