using Microsoft.Extensions.Logging.Abstractions;
using Pgward.Agent;
using Pgward.Agent.Control;
using Pgward.Agent.Failover;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;
using Xunit;

namespace Pgward.IntegrationTests.Failover;

/// <summary>The agent's pieces built in-process as the daemon builds them (FailoverDriver.RunAsync), for the node of
/// a pgward.conf, so a test can drive one of them against real servers.</summary>
public static class AgentContext
{
    /// <param name="output">Where the operations' reports go (errors only when null).</param>
    /// <param name="change">Options to change from the file's, e.g. a timeout.</param>
    public static OperationContext From(string config, TextWriter? output = null, Func<NodeOptions, NodeOptions>? change = null)
    {
        var load = ConfigLoader.Load(config, Environment.GetEnvironmentVariable, System.IO.Directory.GetCurrentDirectory());
        Assert.True(load.Options is not null, string.Join("; ", load.Errors));
        var reporter = new ConsoleReporter(output is null ? TextWriter.Null : TextWriter.Synchronized(output), isTerminal: false,
            output is null ? ReportLevel.Error : ReportLevel.Info);
        var notifier = new EventNotifier(null, [], TimeSpan.FromSeconds(5), TimeProvider.System);
        return new OperationContext(change is null ? load.Options : change(load.Options), reporter, new DbConnector(), new ProcessRunner(),
            new EventRecorder(notifier, reporter, TimeProvider.System), TimeProvider.System);
    }

    /// <summary>The failover actuator on <paramref name="ctx"/>'s node.</summary>
    public static FailoverActuator Actuator(OperationContext ctx) =>
        new(ctx, new LocalNodeControl(ctx, NullLogger.Instance), new PrimaryGuard(ctx.Options.DataDirectory),
            new EventQueue(new AgentEvents(ctx).RecordAsync, NullLogger.Instance), NullLogger.Instance);
}
