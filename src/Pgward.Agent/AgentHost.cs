using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pgward.Agent.Control;
using Pgward.Agent.Failover;
using Pgward.Agent.Health;
using Pgward.Agent.Http;
using Pgward.Agent.Monitoring;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Logging;
using Pgward.Core.Tls;
using Pgward.Core.Supervision;
using Pgward.Core.Systemd;
using Pgward.Failover.Agreement;
using Pgward.Http;

namespace Pgward.Agent;

/// <summary>
/// The node agent: Kestrel on <c>agent_address:agent_port</c> serving the health checks and control endpoints until
/// the token is cancelled, the monitoring loop (<see cref="MonitorLoop"/>): one probe of the local server (and a
/// standby's upstream) every <c>monitor_interval</c>, and automatic failover (<see cref="FailoverDriver"/>).
/// </summary>
public static class AgentHost
{
    /// <summary>The URL the agent of these options listens on, e.g. <c>https://10.0.0.2:8008</c> or <c>http://127.0.0.1:8008</c>.</summary>
    public static string ListenUrl(Core.Config.NodeOptions options) => NodeRecords.AgentUrl(options);

    public static Task<Outcome> RunAsync(OperationContext ctx, CancellationToken ct) =>
        RunAsync(ctx, AgentAgreementStore.For(ctx.Options, ctx.Time), ct);

    /// <summary>The agent with another agreement store than the node's own file (an etcd one; a test's that fails).</summary>
    public static async Task<Outcome> RunAsync(OperationContext ctx, IAgreementStore votes, CancellationToken ct)
    {
        var options = ctx.Options;
        if (AgentTlsRules.ListenRefusal(options) is { } refusal)
        {
            return Outcome.Fail(ExitCodes.BadConfig, refusal);
        }
        ServerTls? tls = null;
        if (AgentTlsRules.IsOn(options))
        {
            (tls, var problem) = ServerTls.Load(options.AgentTlsCertFile, options.AgentTlsKeyFile, options.AgentTlsCaFile,
                requireClientCertificate: options.AgentTlsClientAuth == AgentTlsClientAuth.Require);
            if (tls is null)
            {
                return Outcome.Fail(ExitCodes.BadConfig, $"the agent cannot use TLS: {problem}");
            }
        }
        using var ownTls = tls;
        // First: it takes systemd's variables out of the environment before anything the agent starts could inherit them.
        using var notifier = SystemdEnvironment.FromProcess(ctx.Time);
        await using var app = HttpsHost.Build(options.AgentAddress, options.AgentPort, tls, ctx.Time);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger(LogSubsystems.Agent);
        var monitorLogger = loggers.CreateLogger(LogSubsystems.Monitor);
        var controlLogger = loggers.CreateLogger(LogSubsystems.Control);
        await using var localProbe = new LocalProbe(options, ctx.Db, monitorLogger);
        using var probes = new ProbeCache(localProbe.ReadAsync, ctx.Time, monitorLogger);
        using var control = new LocalNodeControl(ctx, controlLogger);
        using var agents = new AgentClient(options, ctx.Time);
        using var loops = new LoopSupervisor(ctx.Time, loggers.CreateLogger(LogSubsystems.Loops));
        var monitor = new MonitorLoop(ctx, probes, monitorLogger);
        var failover = new FailoverDriver(ctx, control, votes, loops, loggers.CreateLogger(LogSubsystems.Failover))
        {
            LeaseLogger = loggers.CreateLogger(LogSubsystems.Lease),
        };
        control.Failover = failover;
        HealthRoutes.Map(app, options, probes, ctx, monitor, failover, loops);
        using var metrics = Metrics.AgentMetrics.Map(app, ctx, probes, monitor, failover);
        ConnectivityRoutes.Map(app, ctx, agents);
        FailoverRoutes.Map(app, options.AgentToken, failover, loggers.CreateLogger(LogSubsystems.Http));
        new ControlRoutes(options.AgentToken, control, controlLogger, ct).MapAll(app);
        using var backups = new Backups.BackupSessions(ctx, loggers.CreateLogger(LogSubsystems.Backup));
        BackupRoutes.Map(app, options.AgentToken, backups, loggers.CreateLogger(LogSubsystems.Backup));
        await using var dashboard = Dashboard.DashboardRoutes.Map(app, ctx, agents, loggers.CreateLogger(LogSubsystems.Http), ct);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            return Outcome.Fail(ExitCodes.SystemFailure, $"the agent cannot listen on {ListenUrl(options)}: {e.Message}",
                hint: "another agent may run on this port; check agent_address and agent_port in pgward.conf");
        }
        AgentLog.Listening(logger, options.NodeName, options.NodeId, ListenUrl(options));
        // Both run until the agent stops, or until a loop whose state cannot be trusted after a fault failed (Fatal).
        using var halt = CancellationTokenSource.CreateLinkedTokenSource(ct, loops.Fatal);
        // What a fault of each does: see AgentLoops. Failover turned off here is the failover loop's normal end.
        var monitoring = RunMonitorAsync(loops, monitor, options.MonitorInterval, halt.Token);
        var deciding = loops.Add(AgentLoops.Failover, StuckAfter(options.MonitorInterval), mayEnd: true);
        // Under systemd (Type=notify): READY once the monitor has looked at the server, the watchdog fed while no loop
        // is stuck, STOPPING when the agent begins to stop.
        var notifying = notifier?.RunAsync(() => monitor.FirstRound.IsCompleted, loops.Stuck, halt.Token) ?? Task.CompletedTask;
        await Task.WhenAll(monitoring, deciding.RunAsync(token => failover.RunAsync(deciding.Beat, token), ct), notifying);
        AgentLog.Stopping(logger);
        await app.StopAsync(CancellationToken.None);
        return loops.Failure is { } failure
            ? Outcome.Fail(ExitCodes.SystemFailure, $"{failure}; the agent stopped so that its service manager starts it again",
                hint: "see the agent's log for the fault; under systemd (Restart=on-failure) it is already running again")
            : Outcome.Ok;
    }

    /// <summary>Runs <paramref name="monitor"/> under supervision as <see cref="AgentLoops.Monitor"/> until
    /// <paramref name="ct"/> is cancelled; the task never throws.</summary>
    internal static Task RunMonitorAsync(LoopSupervisor loops, MonitorLoop monitor, TimeSpan interval, CancellationToken ct)
    {
        var monitoring = loops.Add(AgentLoops.Monitor, StuckAfter(interval));
        return monitoring.RunAsync(token => monitor.RunAsync(monitoring.Beat, token), ct);
    }

    /// <summary>How long a loop that beats every <paramref name="interval"/> may go without a round before
    /// <c>/health</c> calls it stuck: ten rounds, and at least a minute (a round may wait for connection timeouts).</summary>
    internal static TimeSpan StuckAfter(TimeSpan interval) => interval * 10 > TimeSpan.FromMinutes(1) ? interval * 10 : TimeSpan.FromMinutes(1);
}
