using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Pgward.IntegrationTests.Dashboard;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package, installed by scripts/install-deps), run by the test as a process
/// of its own on 127.0.0.1 with a data directory of its own, scraping pgward's daemons with the scrape configuration
/// docs/monitoring.md gives a user (HTTPS with the cluster's CA, the agent token from a <c>credentials_file</c>), every
/// second. Disposing kills that process, by its PID, and deletes the directory.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/prometheus";

    /// <summary>How often it scrapes: 1 s, so that a test sees a few samples of every series within seconds.</summary>
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(1);

    private readonly Process process;
    private readonly string directory;
    private readonly HttpClient http;
    private readonly StringWriter log = new();

    private PrometheusServer(Process process, string directory, string url)
    {
        this.process = process;
        this.directory = directory;
        Url = url;
        http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Url { get; }

    /// <summary>What Prometheus wrote to stderr so far, for a failure's message.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>Starts Prometheus in <paramref name="directory"/> (created; deleted when disposed), scraping
    /// <paramref name="targets"/> (host:port) over HTTPS trusting <paramref name="caFile"/> with <paramref name="token"/>;
    /// returns once it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string directory, IReadOnlyList<string> targets, string caFile, string token, CancellationToken ct)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run scripts/install-deps (it installs Debian's prometheus package)");
        Directory.CreateDirectory(directory);
        var tokenFile = Path.Combine(directory, "pgward-agent-token");
        File.WriteAllText(tokenFile, token);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = Path.Combine(directory, "prometheus.yml");
        // docs/monitoring.md's scrape configuration, with this test's files and targets and a 1 s interval.
        File.WriteAllText(config, $"""
            global:
              scrape_interval: {ScrapeInterval.TotalSeconds:0}s
              scrape_timeout: {ScrapeInterval.TotalSeconds:0}s
            scrape_configs:
              - job_name: pgward
                scheme: https
                authorization:
                  type: Bearer
                  credentials_file: {tokenFile}
                tls_config:
                  ca_file: {caFile}
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList =
            {
                "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(directory, "data"),
                $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start");
        var server = new PrometheusServer(process, directory, $"http://127.0.0.1:{port}");
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await server.WaitReadyAsync(ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitReadyAsync(CancellationToken ct)
    {
        var since = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"prometheus exited with {(process.HasExited ? process.ExitCode : 0)}:\n{Log}");
            try
            {
                using var ready = await http.GetAsync("/-/ready", ct);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(30), $"prometheus not ready after 30 s:\n{Log}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Waits until Prometheus has scraped every target once: a series it is to see change (the failover term
    /// across a switchover) then has a sample from before the change, whatever Prometheus's start-up took.</summary>
    public async Task WaitAllScrapedAsync(CancellationToken ct)
    {
        var since = Stopwatch.StartNew();
        while (true)
        {
            var targets = await TargetsAsync(ct);
            if (targets.Count > 0 && targets.All(t => t.Health == "up"))
            {
                return;
            }
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(30),
                $"prometheus has not scraped every target after 30 s: {string.Join("; ", targets.Select(t => $"{t.Url} {t.Health} {t.Error}"))}\n{Log}");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>Every scrape target's health and last error, from <c>/api/v1/targets</c>.</summary>
    public async Task<IReadOnlyList<(string Url, string Health, string Error)>> TargetsAsync(CancellationToken ct)
    {
        using var reply = JsonDocument.Parse(await http.GetStringAsync("/api/v1/targets?state=active", ct));
        return [.. reply.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Select(t => (t.GetProperty("scrapeUrl").GetString()!, t.GetProperty("health").GetString()!, t.GetProperty("lastError").GetString() ?? ""))];
    }

    /// <summary>An instant query through <c>/api/v1/query</c>: the number of series it returned, or the error Prometheus
    /// gave (a parse error, say) instead.</summary>
    public async Task<(int Series, string? Error)> QueryAsync(string expr, CancellationToken ct)
    {
        using var response = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expr), ct);
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = reply.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            return (0, $"{root.GetProperty("errorType").GetString()}: {root.GetProperty("error").GetString()}");
        }
        var data = root.GetProperty("data");
        return data.GetProperty("resultType").GetString() is "vector" or "matrix"
            ? (data.GetProperty("result").GetArrayLength(), null)
            : (1, null);
    }

    /// <summary>The values of a label over the series of one metric, as Grafana's <c>label_values(metric, label)</c>
    /// asks for them (<c>/api/v1/label/LABEL/values?match[]=METRIC</c>).</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string metric, string label, CancellationToken ct)
    {
        using var reply = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/label/{label}/values?match[]={Uri.EscapeDataString(metric)}", ct));
        return [.. reply.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill();
        }
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
