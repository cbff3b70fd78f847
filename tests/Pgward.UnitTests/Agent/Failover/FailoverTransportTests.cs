using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Pgward.Core.Supervision;
using Pgward.Failover.Messages;
using Pgward.UnitTests.Supervision;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class FailoverTransportTests
{
    [Fact]
    public async Task A_sender_that_faults_on_a_peer_url_it_cannot_use_says_so_and_runs_again_without_stopping_the_agent()
    {
        var time = new FakeTimeProvider();
        var log = new RecordingLogger();
        using var loops = new LoopSupervisor(time, log);
        // A record that names the peer's agent with an address no URL can hold: the sender's post throws, no socket opens.
        await using (var transport = new FailoverTransport(new Pgward.Core.Config.NodeOptions { NodeId = 1, AgentToken = "token" }, new Dictionary<int, string> { [2] = "http://[node2" }, time, loops, log))
        {
            transport.Send(2, new LeaseRelease(1, 1, time.GetUtcNow()));
            for (var i = 0; !log.Lines.Any(l => l.Text.StartsWith("loop sender to node 2 failed", StringComparison.Ordinal)); i++)
            {
                Assert.True(i < 500, "the sender's fault was not logged");
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
            Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("it runs again in 1 s", StringComparison.Ordinal));
            Assert.False(loops.Fatal.IsCancellationRequested);
            Assert.Empty(loops.Problems());
        }
    }
}
