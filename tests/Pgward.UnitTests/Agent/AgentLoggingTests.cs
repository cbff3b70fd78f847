using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pgward.Http;
using Pgward.Core.Logging;
using Xunit;

namespace Pgward.UnitTests.Agent;

public sealed class AgentLoggingTests
{
    private const string HttpsMiddleware = "Microsoft.AspNetCore.Server.Kestrel.Https.Internal.HttpsConnectionMiddleware";

    [Fact]
    public void A_failed_handshake_is_a_warning_without_a_stack_trace_and_an_established_connection_is_not_logged()
    {
        var output = new StringWriter();
        using var loggers = LoggerFactory.Create(builder => DaemonWebLogging.Configure(builder,
            new DaemonLoggerProvider(output, DaemonLogFormat.Plain, new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T10:00:00Z")))
            {
                Admit = DaemonWebLogging.Admit,
            }));
        var kestrel = loggers.CreateLogger(HttpsMiddleware);

        kestrel.LogDebug(new EventId(3, "HttpsConnectionEstablished"), "Connection {Id} established using the following protocol: {Protocol}", "0HN", "Tls13");
        kestrel.LogDebug(new EventId(1, "AuthenticationFailed"), new IOException("Received an unexpected EOF or 0 bytes from the transport stream."),
            "Failed to authenticate HTTPS connection.");
        loggers.CreateLogger(LogSubsystems.Failover).LogDebug("per-probe detail");

        var lines = output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(["2026-12-05T10:00:00.000Z WARNING http[1]: Failed to authenticate HTTPS connection. IOException: Received an unexpected EOF or 0 bytes from the transport stream."], lines);
    }
}
