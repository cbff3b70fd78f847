using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Logging;
using Pgward.Core.Reporting;
using Pgward.Core.Tls;
using Pgward.Http;

namespace Pgward.Backup.Http;

/// <summary>
/// The backup server's HTTPS endpoint, run by its daemon: where nodes fetch WAL for their <c>restore_command</c> and
/// backups to restore, without SSH. It listens on <c>agent_address:agent_port</c> of the backup server's pgward.conf,
/// with the node agents' TLS settings (<c>agent_tls_*</c>) and the cluster's <c>agent_token</c>, and it serves only
/// when that token is set: every route needs it. Like an agent, it refuses plain HTTP on an address that is not loopback
/// unless <c>agent_tls = off</c> says so.
/// </summary>
public sealed class BackupEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ServerTls? tls;

    private BackupEndpoint(WebApplication app, ServerTls? tls, string url)
    {
        this.app = app;
        this.tls = tls;
        Url = url;
    }

    /// <summary>Where it listens, e.g. <c>https://10.0.0.5:8008</c>.</summary>
    public string Url { get; }

    /// <summary>The URL the endpoint of these root settings serves, or null when it serves none (no <c>agent_token</c>).</summary>
    public static string? UrlOf(NodeOptions root) => root.AgentToken.Length == 0 ? null : NodeRecords.AgentUrl(root);

    /// <summary>Starts the endpoint; null with <see cref="Outcome.Ok"/> when the configuration asks for none.</summary>
    public static async Task<(BackupEndpoint? Endpoint, Outcome Outcome)> StartAsync(BackupContext ctx, CancellationToken ct)
    {
        var root = ctx.Root;
        if (UrlOf(root) is not { } url)
        {
            ctx.Reporter.Notice("no HTTPS endpoint: nodes cannot fetch WAL or backups from this backup server; set agent_token "
                + "(with agent_port, agent_tls_cert_file and agent_tls_key_file) in its pgward.conf to serve one");
            return (null, Outcome.Ok);
        }
        if (AgentTlsRules.ListenRefusal(root) is { } refusal)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"the backup server's endpoint: {refusal.Replace("the agent would", "it would", StringComparison.Ordinal)}"));
        }
        ServerTls? tls = null;
        if (AgentTlsRules.IsOn(root))
        {
            (tls, var problem) = ServerTls.Load(root.AgentTlsCertFile, root.AgentTlsKeyFile, root.AgentTlsCaFile,
                requireClientCertificate: root.AgentTlsClientAuth == AgentTlsClientAuth.Require);
            if (tls is null)
            {
                return (null, Outcome.Fail(ExitCodes.BadConfig, $"the backup server's endpoint cannot use TLS: {problem}"));
            }
        }
        var app = HttpsHost.Build(root.AgentAddress, root.AgentPort, tls, ctx.Time);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(LogSubsystems.Http);
        EndpointRoutes.Map(app, ctx, logger);
        RestoreRoutes.Map(app, ctx, logger);
        WalRoutes.Map(app, ctx, logger);
        Metrics.BackupMetrics.Map(app, ctx);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            tls?.Dispose();
            return (null, Outcome.Fail(ExitCodes.SystemFailure, $"the backup server's endpoint cannot listen on {url}: {e.Message}",
                hint: "another process may use this port; check agent_address and agent_port in the backup server's pgward.conf"));
        }
        ctx.Reporter.Notice($"backup server endpoint listening on {url}");
        return (new BackupEndpoint(app, tls, url), Outcome.Ok);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
        tls?.Dispose();
    }
}
