using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Pgward.Cluster.Agents;
using Pgward.Core.Config;
using Pgward.Core.Tls;

namespace Pgward.Backup.Files;

/// <summary>
/// The backup server's side of a node agent's backup sessions (the agent's <c>BackupRoutes</c>): the same TLS
/// handling and bearer token as <see cref="AgentClient"/>, from the backup server's own pgward.conf (<c>agent_token</c>,
/// <c>agent_tls_ca_file</c>...). Failures throw <see cref="AgentSessionException"/> with a message for the user.
/// </summary>
public sealed class AgentBackupClient : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    // pg_backup_start waits for a checkpoint; fast => true asks for an immediate one, which still writes every dirty page.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);

    private readonly NodeOptions options;
    private readonly HttpClient http;
    private readonly string? tlsProblem;

    public AgentBackupClient(NodeOptions options, TimeProvider time)
    {
        this.options = options;
        http = new HttpClient(AgentHttp.CreateHandler(options, ConnectTimeout, time, out tlsProblem)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<SessionStartReply> StartAsync(string agentUrl, string label, int jobs, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(StartTimeout);
        using var response = await SendAsync(agentUrl, "backup/start",
            JsonContent.Create(new SessionStartRequest(label, jobs), FilesJson.Context.SessionStartRequest), deadline.Token);
        return await ReadAsync(response, FilesJson.Context.SessionStartReply, "start the backup", deadline.Token);
    }

    /// <summary>Asks for <paramref name="request"/>'s files; the answer's body is their frames (<see cref="FrameReader"/>). Dispose it.</summary>
    public async Task<HttpResponseMessage> FilesAsync(string agentUrl, string session, FetchRequest request, CancellationToken ct)
    {
        var response = await SendAsync(agentUrl, $"backup/{session}/files", JsonContent.Create(request, FilesJson.Context.FetchRequest), ct);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new AgentSessionException($"the agent refused the files: {await ErrorOfAsync(response, ct)}");
            }
        }
        return response;
    }

    public async Task<SessionStopReply> StopAsync(string agentUrl, string session, CancellationToken ct)
    {
        using var response = await SendAsync(agentUrl, $"backup/{session}/stop", null, ct);
        return await ReadAsync(response, FilesJson.Context.SessionStopReply, "stop the backup", ct);
    }

    /// <summary>Abandons the session; the agent also does so by itself once it is idle. Never throws.</summary>
    public async Task AbortAsync(string agentUrl, string session)
    {
        try
        {
            using var deadline = new CancellationTokenSource(ConnectTimeout);
            using var response = await SendAsync(agentUrl, $"backup/{session}/abort", null, deadline.Token);
        }
        catch (Exception e) when (e is AgentSessionException or OperationCanceledException)
        {
            // The agent aborts an idle session itself.
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(string agentUrl, string path, HttpContent? content, CancellationToken ct)
    {
        if (tlsProblem is not null)
        {
            throw new AgentSessionException(tlsProblem);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, agentUrl.TrimEnd('/') + "/" + path) { Content = content };
        if (request.RequestUri is { IsAbsoluteUri: true } uri && AgentTlsRules.SendRefusal(uri, options) is { } refusal)
        {
            throw new AgentSessionException(refusal);
        }
        if (options.AgentToken.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AgentToken);
        }
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new AgentSessionException(AgentHttpErrors.Describe(agentUrl, e, options));
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken ct)
        where T : class
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new AgentSessionException($"the agent could not {what}: {await ErrorOfAsync(response, ct)}");
        }
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct) ?? throw new AgentSessionException($"the agent could not {what}: empty answer");
        }
        catch (JsonException e)
        {
            throw new AgentSessionException($"the agent could not {what}: unexpected answer: {e.Message}");
        }
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            if (JsonSerializer.Deserialize(text, FilesJson.Context.SessionError) is { } error)
            {
                return $"{error.Error} ({(int)response.StatusCode}){(error.Hint is { } hint ? "; " + hint : "")}";
            }
        }
        catch (JsonException)
        {
        }
        return $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
