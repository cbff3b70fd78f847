using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Pgward.Cluster.Agents;
using Pgward.Core.Config;
using Pgward.Core.Tls;
using Pgward.Core.Supervision;
using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>
/// Sends failover messages to the other voters' agents (<c>POST {agent_url}/failover/message</c>, Bearer token).
/// Best effort, as the protocol allows: each peer has its own small queue and sender, so a frozen or unreachable
/// peer delays only its own messages, and when its queue is full the oldest message is dropped (a newer
/// heartbeat or vote request supersedes it).
/// </summary>
public sealed class FailoverTransport : IAsyncDisposable
{
    /// <summary>How long one message may take to be delivered: 1 s, well under the lease.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The request header by which a sender says it takes the reply to its message in the response
    /// (<see cref="FailoverDriver.DeliverForReplyAsync"/>), value <see cref="InlineReplyValue"/>. An agent that does not
    /// know it answers 202 and sends the reply as a message of its own; one that sees no such header does the same, for
    /// a sender that would not read the response.</summary>
    public const string InlineReplyHeader = "Pgward-Reply";

    public const string InlineReplyValue = "inline";

    private readonly int self;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly NodeOptions options;
    private readonly HttpClient http;
    private readonly CancellationTokenSource stopping = new();
    private readonly Dictionary<int, Channel<FailoverMessage>> queues = [];
    // Each peer's /failover/message URL; replaced when its record names another (Repoint), read by its sender.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> urls = [];
    private readonly List<Task> senders = [];
    // Where a reply that came back in a response goes: the failover loop, as a message from its sender.
    private readonly Func<int, FailoverMessage, bool>? received;

    /// <param name="loops">Runs each peer's sender: a sender that faults (a URL it cannot use) starts again after a
    /// backoff, with its queue as it was, so that no peer stops hearing from this node in silence.</param>
    /// <param name="options">This node's settings: <c>node_id</c>, <c>agent_token</c> and the <c>agent_tls*</c> files
    /// (<see cref="AgentHttp"/>, as the CLI's calls).</param>
    /// <param name="received">Takes a reply that a peer carried back in its response (<see cref="InlineReplyHeader"/>):
    /// the failover loop's <see cref="FailoverDriver.Deliver"/>. Null: replies come only as messages of their own.</param>
    public FailoverTransport(NodeOptions options, IReadOnlyDictionary<int, string> peerUrls, TimeProvider time, LoopSupervisor loops, ILogger logger,
        Func<int, FailoverMessage, bool>? received = null)
    {
        this.received = received;
        self = options.NodeId;
        this.options = options;
        this.time = time;
        this.logger = logger;
        // The agent read the same files when it started listening: a problem here stopped it before it got this far.
        http = new HttpClient(AgentHttp.CreateHandler(options, SendTimeout, time, out _))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AgentToken);
        if (received is not null)
        {
            http.DefaultRequestHeaders.Add(InlineReplyHeader, InlineReplyValue);
        }
        foreach (var (id, url) in peerUrls)
        {
            var queue = Channel.CreateBounded<FailoverMessage>(new BoundedChannelOptions(8)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            });
            queues[id] = queue;
            urls[id] = MessageUrl(url);
            senders.Add(loops.RunAsync(AgentLoops.Sender(id), token => SendLoopAsync(id, queue.Reader, token), stopping.Token));
        }
    }

    /// <summary>Sends a peer's messages to <paramref name="agentUrl"/> from now on; true when that changed anything.</summary>
    public bool Repoint(int peer, string agentUrl)
    {
        var url = MessageUrl(agentUrl);
        if (!urls.TryGetValue(peer, out var current) || current == url)
        {
            return false;
        }
        urls[peer] = url;
        return true;
    }

    private static string MessageUrl(string agentUrl) => agentUrl.TrimEnd('/') + "/failover/message";

    public void Send(int to, FailoverMessage message)
    {
        if (queues.TryGetValue(to, out var queue))
        {
            queue.Writer.TryWrite(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        foreach (var queue in queues.Values)
        {
            queue.Writer.TryComplete();
        }
        await Task.WhenAll(senders);
        http.Dispose();
        stopping.Dispose();
    }

    private async Task SendLoopAsync(int peer, ChannelReader<FailoverMessage> reader, CancellationToken ct)
    {
        var failing = false;
        try
        {
            await foreach (var message in reader.ReadAllAsync(ct))
            {
                var error = await PostAsync(urls[peer], message, ct);
                if (error is not null && !failing)
                {
                    FailoverLog.PeerUnreachable(logger, peer, error);
                }
                else if (error is null && failing)
                {
                    FailoverLog.PeerReachable(logger, peer);
                }
                failing = error is not null;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<string?> PostAsync(string url, FailoverMessage message, CancellationToken ct)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && AgentTlsRules.SendRefusal(uri, options) is { } refusal)
        {
            return refusal;
        }
        using var deadline = new CancellationTokenSource(SendTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var content = JsonContent.Create(new FailoverEnvelope(self, message), FailoverJson.Default.FailoverEnvelope);
            using var response = await http.PostAsync(url, content, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                return $"answered {(int)response.StatusCode}";
            }
            if (received is not null && response.StatusCode == HttpStatusCode.OK
                && await response.Content.ReadFromJsonAsync(FailoverJson.Default.FailoverEnvelope, linked.Token) is { Message: { } reply } envelope)
            {
                received(envelope.From, reply);
            }
            return null;
        }
        catch (JsonException e)
        {
            return $"answered with a reply that does not parse: {e.Message}";
        }
        catch (HttpRequestException e)
        {
            return AgentHttpErrors.Describe(url, e, options);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {SendTimeout.TotalSeconds:0.#} s";
        }
    }
}
