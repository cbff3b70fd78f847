using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Pgward.Core.Systemd;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Agent;

/// <summary>
/// The agent as systemd runs it (Type=notify, WatchdogSec): a real agent process with <c>NOTIFY_SOCKET</c> naming an
/// AF_UNIX datagram socket this test binds, and <c>WATCHDOG_USEC</c> set, as systemd gives them.
/// </summary>
public sealed partial class ServiceNotifyTests : PgIntegrationTest
{
    private static readonly TimeSpan WatchdogInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Agent_says_ready_after_its_first_look_at_the_server_feeds_the_watchdog_and_says_stopping_when_stopped()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token);
        await NodeConfig.SetAsync(sandbox.Config(1), Token, "agent_token = notify-test-token");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var address = Path.Combine(Directory.Path, "notify.sock");
        socket.Bind(new UnixDomainSocketEndPoint(address));
        await using var agents = new AgentProcesses(sandbox);
        agents.Environment[SystemdEnvironment.NotifySocketVariable] = address;
        agents.Environment[SystemdEnvironment.WatchdogUsecVariable] = $"{(long)WatchdogInterval.TotalMicroseconds}";

        agents.Start(1, sandbox.Config(1));
        var beforeReady = await ReceiveUntilAsync(socket, m => m.Contains("READY=1", StringComparison.Ordinal), TimeSpan.FromSeconds(60), agents);
        // The first look at the server is logged (state "unknown" -> what it found) before READY is sent; the test reads
        // the agent's output asynchronously, so it may see the line a moment later.
        await Sql.WaitUntilAsync(() => Task.FromResult(File.ReadAllText(agents.LogFile(1)).Contains("local server: unknown -> ", StringComparison.Ordinal)), Token);
        Assert.DoesNotContain(beforeReady, m => m.Contains("STOPPING=1", StringComparison.Ordinal));

        // Pings every half interval (1 s): at least three in four seconds.
        var pings = 0;
        var window = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(window) < TimeSpan.FromSeconds(4))
        {
            var message = await ReceiveAsync(socket, TimeSpan.FromSeconds(2), agents);
            pings += message.Contains("WATCHDOG=1", StringComparison.Ordinal) ? 1 : 0;
        }
        Assert.InRange(pings, 3, 6);

        var stopping = agents.StopAsync(1, TimeSpan.FromSeconds(60));
        await ReceiveUntilAsync(socket, m => m.Contains("STOPPING=1", StringComparison.Ordinal), TimeSpan.FromSeconds(30), agents);
        Assert.True(await stopping, agents.Logs());

        // Every line the daemon wrote carries a timestamp, a level and its subsystem.
        var lines = File.ReadAllLines(agents.LogFile(1)).Where(l => l.Length > 0).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Matches(LogLine(), line));
        Assert.Contains(lines, l => l.Contains(" INFO agent[3000]: agent of node ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" INFO monitor[3010]: local server: unknown -> ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|NOTICE|WARNING|ERROR|CRITICAL|DETAIL|HINT) [a-z]+(\[\d+\])?: ")]
    private static partial Regex LogLine();

    private async Task<List<string>> ReceiveUntilAsync(Socket socket, Func<string, bool> done, TimeSpan timeout, AgentProcesses agents)
    {
        var messages = new List<string>();
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var left = timeout - TimeProvider.System.GetElapsedTime(start);
            Assert.True(left > TimeSpan.Zero, $"no such notification within {timeout.TotalSeconds} s; received: {string.Join(" / ", messages)}\n{agents.Logs()}");
            var message = await ReceiveAsync(socket, left, agents);
            messages.Add(message);
            if (done(message))
            {
                return messages;
            }
        }
    }

    private async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout, AgentProcesses agents)
    {
        var buffer = new byte[4096];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Token);
        wait.CancelAfter(timeout);
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
            Assert.Fail($"no notification within {timeout.TotalSeconds} s\n{agents.Logs()}");
            throw;
        }
    }
}
