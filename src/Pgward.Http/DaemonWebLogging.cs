using Microsoft.Extensions.Logging;
using Pgward.Core.Logging;

namespace Pgward.Http;

/// <summary>
/// The logging of a daemon that serves HTTP (a node agent, the backup server): every line on stdout with its timestamp,
/// level and subsystem (<see cref="DaemonLogLine"/>), or with the journal's priority prefix when systemd connected stdout
/// to its journal (<see cref="DaemonLogFormats"/>). The daemon's own loggers are named for their subsystem
/// (<see cref="LogSubsystems"/>).
/// </summary>
public static class DaemonWebLogging
{
    // The category of Microsoft.Extensions.Hosting's internal host, which logs "Hosting failed to start".
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Sets up <paramref name="logging"/> for the daemon: Information and up, ASP.NET Core's own from Warning.</summary>
    public static ILoggingBuilder Configure(ILoggingBuilder logging, TimeProvider time) =>
        Configure(logging, new DaemonLoggerProvider(Console.Out, DaemonLogFormats.FromProcess(1), time) { Admit = Admit });

    // Kestrel's HTTPS middleware and the events of it the daemon's log shows: a failed handshake (1) and a handshake that
    // timed out (2), logged by Kestrel at Debug, are a misconfigured peer or a stranger: a warning. Every connection
    // established (3) would be a line per agent-to-agent connection: dropped.
    private const string KestrelHttps = "Microsoft.AspNetCore.Server.Kestrel.Https";
    private static readonly int[] HandshakeFailures = [1, 2];

    /// <summary>The level a line is written at, or null to drop it: see <see cref="DaemonLoggerProvider.Admit"/>.</summary>
    internal static LogLevel? Admit(string category, EventId eventId, LogLevel level) =>
        !category.StartsWith(KestrelHttps, StringComparison.Ordinal) ? level
        : HandshakeFailures.Contains(eventId.Id) ? LogLevel.Warning
        : level >= LogLevel.Warning ? level : null;

    /// <summary>Sets up <paramref name="logging"/> to write through <paramref name="provider"/>.</summary>
    public static ILoggingBuilder Configure(ILoggingBuilder logging, DaemonLoggerProvider provider) =>
        logging.ClearProviders()
            .AddProvider(provider)
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            // A failed TLS handshake (a caller without the required client certificate, a plain-HTTP caller) is logged by
            // Kestrel at Debug only ("Failed to authenticate HTTPS connection"): let it through, for Admit to raise.
            .AddFilter(KestrelHttps, LogLevel.Debug)
            // The host logs a failed start (a port in use) with Kestrel's whole stack trace before it throws; RunAsync
            // catches that exception and says the one thing that matters, so the host's own error lines are dropped.
            .AddFilter(HostCategory, level => level is LogLevel.Warning);
}
