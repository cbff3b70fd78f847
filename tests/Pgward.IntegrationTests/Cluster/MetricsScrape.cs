using System.Globalization;
using System.Net.Http.Headers;
using Pgward.Cluster.Agents;
using Pgward.Core.Config;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>One scrape of a daemon's <c>/metrics</c>, as Prometheus does it: HTTPS with the cluster's CA, the agent token as
/// a bearer token; and the value of a series by name and labels.</summary>
public sealed class MetricsScrape
{
    private readonly List<(string Name, string Labels, double Value)> series = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith('#')))
        {
            var space = line.LastIndexOf(' ');
            var head = line[..space];
            var brace = head.IndexOf('{');
            series.Add((brace < 0 ? head : head[..brace], brace < 0 ? "" : head[brace..], double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>GETs <c>/metrics</c> of <paramref name="baseUrl"/> with the token and TLS files of <paramref name="client"/>;
    /// throws with the status and body when it is not 200.</summary>
    public static async Task<MetricsScrape> GetAsync(NodeOptions client, string baseUrl, CancellationToken ct)
    {
        var (status, body) = await RequestAsync(client, baseUrl, ct);
        return status == 200 ? new MetricsScrape(body) : throw new InvalidOperationException($"GET {baseUrl}/metrics: {status} {body}");
    }

    /// <summary>The status and body of a GET of <c>/metrics</c>; without a bearer token when the client's token is "".</summary>
    public static async Task<(int Status, string Body)> RequestAsync(NodeOptions client, string baseUrl, CancellationToken ct)
    {
        using var http = new HttpClient(AgentHttp.CreateHandler(client, TimeSpan.FromSeconds(5), TimeProvider.System, out _)) { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl.TrimEnd('/') + "/metrics");
        if (client.AgentToken.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.AgentToken);
        }
        using var response = await http.SendAsync(request, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>The value of the one series <paramref name="name"/> with these label values (others may be there too); null
    /// when there is none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels) =>
        series.Where(s => s.Name == name && labels.All(l => s.Labels.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(s => (double?)s.Value).SingleOrDefault();
}
