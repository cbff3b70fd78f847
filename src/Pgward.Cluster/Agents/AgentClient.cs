using System.Net.Http.Json;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pgward.Core.Config;
using Pgward.Core.Tls;

namespace Pgward.Cluster.Agents;

/// <summary>
/// Calls another node's agent at its <c>NodeRecord.AgentUrl</c>. Expected failures (refused, timed out, 401, bad JSON)
/// come back as <see cref="AgentReply{T}"/> values; only the caller's own cancellation throws.
/// </summary>
/// <remarks>TLS as this node's pgward.conf says (<see cref="AgentHttp"/>); the token is never sent over plain HTTP to a
/// non-loopback address unless <c>agent_tls = off</c> (<see cref="AgentTlsRules.SendRefusal"/>).</remarks>
public sealed class AgentClient : IDisposable
{
    /// <summary>How long a call may take to connect and answer unless the caller gives its own timeout: 5 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly NodeOptions options;
    private readonly TimeProvider time;
    private readonly HttpClient http;
    // Why this node's own TLS files cannot be used; every call answers with it rather than trying without them.
    private readonly string? tlsProblem;

    /// <param name="options">This node's settings: <c>agent_token</c> (sent as <c>Authorization: Bearer</c> to control
    /// endpoints; "" sends none) and the <c>agent_tls*</c> files.</param>
    public AgentClient(NodeOptions options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        http = new HttpClient(AgentHttp.CreateHandler(options, DefaultTimeout, time, out tlsProblem))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary><c>GET /node</c>: the node's role, positions and lag as its agent sees them.</summary>
    public Task<AgentReply<NodeReport>> GetNodeAsync(string agentUrl, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, agentUrl, "node", null, AgentJson.Context.NodeReport, timeout, ct);

    /// <summary>A health endpoint such as <c>primary</c>, <c>replica?lag=16MB</c> or <c>liveness</c>: look at the status code.</summary>
    public Task<AgentReply<NodeReport>> GetHealthAsync(string agentUrl, string endpoint, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, agentUrl, endpoint, null, AgentJson.Context.NodeReport, timeout, ct);

    /// <summary><c>GET /cluster</c>: the <c>cluster show</c> report as that node sees the cluster.</summary>
    public Task<AgentReply<Show.ClusterShowJson>> GetClusterAsync(string agentUrl, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, agentUrl, "cluster", null, AgentJson.Context.ClusterShowJson, timeout, ct);

    /// <summary><c>GET /connectivity</c>: which registered nodes' PostgreSQL that node can connect to.</summary>
    public Task<AgentReply<Matrix.ConnectivityReport>> GetConnectivityAsync(string agentUrl, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, agentUrl, "connectivity", null, AgentJson.Context.ConnectivityReport, timeout, ct);

    /// <summary><c>GET /connectivity/matrix</c>: the whole matrix as that node's agent gathers it from its host.</summary>
    public Task<AgentReply<Matrix.ConnectivityMatrix>> GetConnectivityMatrixAsync(string agentUrl, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Get, agentUrl, "connectivity/matrix", null, AgentJson.Context.ConnectivityMatrix, timeout, ct);

    /// <summary><c>POST /control/{action}</c> with a JSON body. Give long actions (stop, rejoin) a longer timeout.</summary>
    public Task<AgentReply<ControlResponse>> PostControlAsync<TBody>(string agentUrl, string action, TBody body,
        JsonTypeInfo<TBody> bodyType, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Post, agentUrl, "control/" + action, JsonContent.Create(body, bodyType),
            AgentJson.Context.ControlResponse, timeout, ct);

    /// <summary><c>POST /control/{action}</c> without a body (start, restart, promote).</summary>
    public Task<AgentReply<ControlResponse>> PostControlAsync(string agentUrl, string action, CancellationToken ct, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Post, agentUrl, "control/" + action, null, AgentJson.Context.ControlResponse, timeout, ct);

    public void Dispose() => http.Dispose();

    private async Task<AgentReply<T>> SendAsync<T>(HttpMethod method, string agentUrl, string path, HttpContent? content,
        JsonTypeInfo<T> answerType, TimeSpan? timeout, CancellationToken ct)
        where T : class
    {
        if (tlsProblem is not null)
        {
            return AgentReply<T>.Unreachable(tlsProblem);
        }
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        using var request = new HttpRequestMessage(method, agentUrl.TrimEnd('/') + "/" + path) { Content = content };
        if (method == HttpMethod.Post && options.AgentToken.Length > 0)
        {
            if (request.RequestUri is { IsAbsoluteUri: true } uri && AgentTlsRules.SendRefusal(uri, options) is { } refusal)
            {
                return AgentReply<T>.Unreachable(refusal);
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AgentToken);
        }
        try
        {
            using var response = await http.SendAsync(request, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            var (body, problem) = Parse(text, answerType);
            var error = response.IsSuccessStatusCode ? problem : $"agent answered {(int)response.StatusCode} {response.ReasonPhrase}";
            return new AgentReply<T>(true, (int)response.StatusCode, body, error);
        }
        catch (HttpRequestException e)
        {
            return AgentReply<T>.Unreachable(AgentHttpErrors.Describe(agentUrl, e, options));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return AgentReply<T>.Unreachable($"agent at {agentUrl} did not answer within {limit.TotalSeconds:0.#} s");
        }
        catch (UriFormatException e)
        {
            return AgentReply<T>.Unreachable($"invalid agent URL \"{agentUrl}\": {e.Message}");
        }
    }

    private static (T? Body, string? Problem) Parse<T>(string text, JsonTypeInfo<T> type)
        where T : class
    {
        if (text.Length == 0)
        {
            return (null, null);
        }
        try
        {
            return (JsonSerializer.Deserialize(text, type), null);
        }
        catch (JsonException e)
        {
            return (null, $"unexpected answer: {e.Message}");
        }
    }
}
