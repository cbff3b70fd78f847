using Microsoft.Extensions.Logging;

namespace Pgward.Core.Supervision;

/// <summary>The supervised loops' log lines. Event ids 1000-1019.</summary>
internal static partial class LoopLog
{
    [LoggerMessage(1000, LogLevel.Warning, "loop {Loop} failed: {Error}; it runs again in {Seconds:0.#} s")]
    public static partial void Restarting(ILogger logger, string loop, string error, double seconds, Exception? exception);

    [LoggerMessage(1001, LogLevel.Error, "loop {Loop} failed: {Error}; its state cannot be trusted, so the process stops for its service manager to start it again")]
    public static partial void Stopping(ILogger logger, string loop, string error, Exception? exception);

    [LoggerMessage(1002, LogLevel.Information, "loop {Loop} runs again after {Faults} fault(s)")]
    public static partial void Recovered(ILogger logger, string loop, int faults);
}
