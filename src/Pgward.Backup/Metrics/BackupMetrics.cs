using Microsoft.AspNetCore.Builder;
using Pgward.Backup.Checks;
using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Processes;
using Pgward.Http.Metrics;

namespace Pgward.Backup.Metrics;

/// <summary>
/// The backup server's <c>/metrics</c> on its daemon's endpoint (unless <c>metrics = off</c>): what <c>backup check</c>
/// finds (the catalog, the archive, the disk, each check's result) and the archive's lag behind the primary. Gathering
/// that connects to the cluster and reads the catalog, so it runs at most once per <see cref="MaxAge"/>, when a scrape
/// asks; scrapes in between get the last one. No loop of its own.
/// </summary>
public sealed class BackupMetrics(BackupContext ctx) : IDisposable
{
    /// <summary>How old the gathered facts may be before a scrape gathers them again: 10 s.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private BackupFacts? last;
    private long lastTaken;

    /// <summary>Maps the route on <paramref name="app"/>, unless <c>metrics = off</c>; disposed when the endpoint stops.</summary>
    public static void Map(WebApplication app, BackupContext ctx)
    {
        if (!ctx.Root.Metrics)
        {
            return;
        }
        var metrics = new BackupMetrics(ctx);
        metrics.Export = new PrometheusExport(ctx.Root.Cluster, ctx.Options.Name, BackupMetricNames.All,
            async ct => BackupSamples.From(await metrics.GetAsync(ct)));
        MetricsRoute.Map(app, ctx.Root.AgentToken, ctx.Root.MetricsAuth, metrics.Export);
        app.Lifetime.ApplicationStopped.Register(metrics.Dispose);
    }

    private PrometheusExport? Export { get; set; }

    public void Dispose()
    {
        Export?.Dispose();
        gate.Dispose();
    }

    private async Task<BackupFacts> GetAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (last is { } cached && ctx.Time.GetElapsedTime(lastTaken) < MaxAge)
            {
                return cached with { Now = ctx.Time.GetUtcNow() };
            }
            last = await GatherAsync(ct);
            lastTaken = ctx.Time.GetTimestamp();
            return last;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<BackupFacts> GatherAsync(CancellationToken ct)
    {
        // As backup check builds it: the root section read again (pg_bindir, the event command may have changed).
        var options = BackupServerNodeOptions.From(ConfigLoader.LoadFile(ctx.Options.ConfigFile));
        var events = new EventRecorder(
            new EventNotifier(options.EventNotificationCommand, options.EventNotifications, options.EventNotificationTimeout, ctx.Time), ctx.Reporter, ctx.Time);
        var operation = new OperationContext(options, ctx.Reporter, ctx.Db, new ProcessRunner(ctx.Time), events, ctx.Time);
        var settings = BackupSettings.From(ctx.Options);
        var server = new BackupServer(operation, settings, new WalArchive(ctx.Layout));
        var (results, facts) = await new BackupChecker(server).RunAsync(ct);
        var now = ctx.Time.GetUtcNow();
        var lag = await ArchiveLagProbe.ReadAsync(ctx.Db, facts.PrimaryConninfo, settings.SlotName, facts.LastWalArrival, now, ct);
        return new BackupFacts(facts, results, lag, now);
    }
}
