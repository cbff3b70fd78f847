using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pgward.Cluster;
using Pgward.Cluster.Agents;
using Pgward.Cluster.Matrix;

namespace Pgward.Agent.Http;

/// <summary>
/// <c>GET /connectivity</c> (this node's row of <c>cluster matrix</c>) and <c>GET /connectivity/matrix</c> (every
/// agent's row as fetched from this host, for <c>cluster crosscheck</c>). No token: like the health checks they only
/// reveal what can be reached, and they change nothing.
/// </summary>
public static class ConnectivityRoutes
{
    public static void Map(IEndpointRouteBuilder app, OperationContext ctx, AgentClient agents)
    {
        app.MapGet("/connectivity", (RequestDelegate)(async http =>
        {
            var (report, outcome) = await ConnectivityProber.ReportAsync(ctx, http.RequestAborted);
            if (report is null)
            {
                await FailAsync(http, outcome);
                return;
            }
            await http.Response.WriteAsJsonAsync(report, AgentJson.Context.ConnectivityReport, cancellationToken: http.RequestAborted);
        }));
        app.MapGet("/connectivity/matrix", (RequestDelegate)(async http =>
        {
            var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, http.RequestAborted);
            if (source is null)
            {
                await FailAsync(http, outcome);
                return;
            }
            // Only /connectivity is asked onwards, never /connectivity/matrix: a relay cannot recurse.
            var matrix = await MatrixGatherer.GatherAsync(agents, source.Nodes, http.RequestAborted);
            await http.Response.WriteAsJsonAsync(matrix, AgentJson.Context.ConnectivityMatrix, cancellationToken: http.RequestAborted);
        }));
    }

    private static async Task FailAsync(HttpContext http, Outcome outcome)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await http.Response.WriteAsJsonAsync(ControlResponse.From(outcome), AgentJson.Context.ControlResponse, cancellationToken: http.RequestAborted);
    }
}
