using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pgward.Cluster.Agents;
using Pgward.Core.Config;
using Pgward.Core.Tls;

namespace Pgward.Cluster.Backups;

/// <summary>
/// Calls a backup server's endpoint from a node or the CLI, the way <see cref="AgentClient"/> calls agents: the same
/// handler (the peer's certificate checked against <c>agent_tls_ca_file</c>, this host's certificate presented), and
/// the cluster's <c>agent_token</c> on every request, since every route of the endpoint needs it. The token is never
/// sent in clear text to a host that is not loopback (<see cref="AgentTlsRules.SendRefusal"/>).
/// </summary>
public sealed class BackupEndpointClient : IDisposable
{
    /// <summary>How long a call may take to connect and answer (for a stream: to send its headers): 10 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly NodeOptions options;
    private readonly TimeProvider time;
    private readonly HttpClient http;
    private readonly string? tlsProblem;

    /// <param name="options">The caller's settings: <c>agent_token</c> and the <c>agent_tls*</c> files.</param>
    public BackupEndpointClient(NodeOptions options, TimeProvider time)
    {
        this.options = options;
        this.time = time;
        http = new HttpClient(AgentHttp.CreateHandler(options, DefaultTimeout, time, out tlsProblem)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary><c>GET /status</c>: the backup server's name, the cluster it keeps, its newest backup.</summary>
    public Task<AgentReply<EndpointStatus>> GetStatusAsync(string url, CancellationToken ct) =>
        GetJsonAsync(url, "status", BackupEndpointJson.Default.EndpointStatus, ct);

    /// <summary><c>GET /backups</c>: every backup, newest first.</summary>
    public Task<AgentReply<IReadOnlyList<BackupSummary>>> ListBackupsAsync(string url, CancellationToken ct) =>
        GetJsonAsync(url, "backups", BackupEndpointJson.Default.IReadOnlyListBackupSummary, ct);

    /// <summary>
    /// Sends <paramref name="request"/> (its URI absolute, on the endpoint) with the token and returns the response once
    /// its headers arrived, for the caller to read its body as a stream and dispose; or why there is none. A non-2xx
    /// answer is returned as a response too: <see cref="DescribeAsync"/> words it.
    /// </summary>
    public async Task<(HttpResponseMessage? Response, string? Problem)> SendAsync(HttpRequestMessage request, CancellationToken ct,
        TimeSpan? timeout = null)
    {
        var url = request.RequestUri is { IsAbsoluteUri: true } uri ? uri : throw new ArgumentException("the request needs an absolute URI", nameof(request));
        var endpoint = url.GetLeftPart(UriPartial.Authority);
        if (tlsProblem is not null)
        {
            return (null, tlsProblem);
        }
        if (options.AgentToken.Length == 0)
        {
            return (null, $"cannot call the backup server at {endpoint}: agent_token is not set in this host's pgward.conf "
                + "(the backup server's endpoint needs the cluster's agent_token)");
        }
        if (AgentTlsRules.SendRefusal(url, options) is { } refusal)
        {
            return (null, refusal);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AgentToken);
        var limit = timeout ?? DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            return (await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token), null);
        }
        catch (HttpRequestException e)
        {
            return (null, AgentHttpErrors.Describe(endpoint, e, options, "backup server"));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"the backup server at {endpoint} did not answer within {limit.TotalSeconds:0.#} s");
        }
    }

    /// <summary>A refused or failed answer in words: the endpoint's own error and hint when it sent them.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        var endpoint = response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "the backup server";
        try
        {
            if (text.Length > 0 && JsonSerializer.Deserialize(text, BackupEndpointJson.Default.EndpointError) is { } error)
            {
                return $"the backup server at {endpoint} answered {(int)response.StatusCode}: {error.Error}" + (error.Hint is { } hint ? $" ({hint})" : "");
            }
        }
        catch (JsonException)
        {
            // Not ours: a proxy's page, say. The status line is all there is to tell.
        }
        return $"the backup server at {endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}";
    }

    public void Dispose() => http.Dispose();

    private async Task<AgentReply<T>> GetJsonAsync<T>(string url, string path, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        Uri uri;
        try
        {
            uri = new Uri(url.TrimEnd('/') + "/" + path);
        }
        catch (UriFormatException e)
        {
            return AgentReply<T>.Unreachable($"invalid backup server URL \"{url}\": {e.Message}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var (response, problem) = await SendAsync(request, ct);
        if (response is null)
        {
            return AgentReply<T>.Unreachable(problem!);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return new AgentReply<T>(true, (int)response.StatusCode, null, await DescribeAsync(response, ct));
            }
            try
            {
                var body = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(ct), type, ct);
                return new AgentReply<T>(true, (int)response.StatusCode, body, null);
            }
            catch (JsonException e)
            {
                return new AgentReply<T>(true, (int)response.StatusCode, null, $"unexpected answer from the backup server at {url}: {e.Message}");
            }
        }
    }
}
