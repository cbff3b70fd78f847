using Microsoft.Extensions.Logging;
using Pgward.Agent.Failover;
using Pgward.Core.Postgres;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>The failover probe looks at its server through the server's Unix-domain socket, and over the conninfo when
/// pg_hba.conf has no <c>local</c> line for it (issue 17); so does the monitor's once-a-second probe.</summary>
public sealed class FailoverProbeTests : PgIntegrationTest
{
    private const string CountProbes = "select count(*) from pg_stat_activity where application_name = 'pgward failover' and client_addr is ";
    private const string CountMonitors = "select count(*) from pg_stat_activity where application_name = 'pgward agent' and client_addr is ";

    [Fact]
    public async Task Probe_looks_through_the_socket_and_over_the_conninfo_when_pg_hba_has_no_local_line()
    {
        var server = await StartServerAsync("probe");
        var guard = new PrimaryGuard(server.DataDirectory);
        var logger = new ListLogger();
        await using var db = new DbConnector();

        await using (var probe = new FailoverProbe(db, server.Conninfo, guard, logger))
        {
            var look = await probe.ReadAsync(Token);
            Assert.True(look.Writable, look.Error);
            Assert.Equal(PostmasterPid.Read(server.DataDirectory), look.PostmasterPid);
            Assert.Equal(1, await server.QueryScalarAsync<long>(CountProbes + "null", Token));
            Assert.Equal(0, await server.QueryScalarAsync<long>(CountProbes + "not null", Token));
        }
        // The monitor's query names pgward.nodes (a registered node's): a table of the columns it reads.
        await server.ExecuteAsync("create schema pgward; create table pgward.nodes (node_id int, upstream_node_id int, conninfo text, type text)", Token);
        var node = new Pgward.Core.Config.NodeOptions { NodeId = 1, Conninfo = server.Conninfo, DataDirectory = server.DataDirectory };
        await using (var monitor = new Pgward.Agent.Health.LocalProbe(node, db, logger))
        {
            Assert.True((await monitor.ReadAsync(Token)).Running);
            Assert.Equal(1, await server.QueryScalarAsync<long>(CountMonitors + "null", Token));
        }
        Assert.Empty(logger.Lines);

        await File.WriteAllTextAsync(Path.Combine(server.DataDirectory, "pg_hba.conf"),
            string.Join('\n', TestAuthentication.HbaLines("127.0.0.1/32").Where(l => !l.StartsWith("local", StringComparison.Ordinal))) + "\n", Token);
        await server.ExecuteAsync("select pg_reload_conf()", Token);

        await using (var probe = new FailoverProbe(db, server.Conninfo, guard, logger))
        {
            var look = await probe.ReadAsync(Token);
            Assert.True(look.Writable, look.Error);
            Assert.Equal(PostmasterPid.Read(server.DataDirectory), look.PostmasterPid);
            Assert.Equal(0, await server.QueryScalarAsync<long>(CountProbes + "null", Token));
            Assert.Equal(1, await server.QueryScalarAsync<long>(CountProbes + "not null", Token));
            Assert.True((await probe.ReadAsync(Token)).Writable);
        }
        var warning = Assert.Single(logger.Lines);
        Assert.Contains("failover probe: ", warning, StringComparison.Ordinal);
        Assert.Contains("refused this agent", warning, StringComparison.Ordinal);
        Assert.Contains(".s.PGSQL.", warning, StringComparison.Ordinal);
        await using (var monitor = new Pgward.Agent.Health.LocalProbe(node, db, logger))
        {
            Assert.True((await monitor.ReadAsync(Token)).Running);
            Assert.True((await monitor.ReadAsync(Token)).Running);
            Assert.Equal(1, await server.QueryScalarAsync<long>(CountMonitors + "not null", Token));
        }
        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("monitor probe: ", logger.Lines[1], StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
