using Pgward.Cluster.Agents;
using Pgward.Core.Processes;
using Pgward.Core.Tls;
using Pgward.IntegrationTests.Cluster;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Agent;

/// <summary>The agents' TLS (issue 15, point 1) against real agents: what curl sees, the token's 401 and its log line,
/// required client certificates, and the words for each handshake failure.</summary>
public sealed class AgentTlsTests : PgIntegrationTest
{
    private const string AgentSecret = "tls-s3cret-token";
    private const string WrongSecret = "guessed-t0ken-value";

    [Fact]
    public async Task Tls_agent_gives_plain_http_nothing_answers_curl_with_the_ca_and_logs_a_wrong_token_without_it()
    {
        var (sandbox, agent) = await StartSandboxAgentAsync();
        using var running = agent;
        var port = new Uri(sandbox.AgentUrl(1)).Port;

        var plain = await CurlAsync("-sS", "--max-time", "5", $"http://127.0.0.1:{port}/primary");
        var secure = await CurlAsync("-sS", "--max-time", "5", "--cacert", sandbox.CaFile, $"https://127.0.0.1:{port}/primary");
        var untrusted = await CurlAsync("-sS", "--max-time", "5", $"https://127.0.0.1:{port}/primary");
        var wrong = await CurlAsync("-sS", "--max-time", "5", "--cacert", sandbox.CaFile, "-o", "/dev/null", "-w", "%{http_code}",
            "-X", "POST", "-H", $"Authorization: Bearer {WrongSecret}", $"https://127.0.0.1:{port}/control/stop");
        using var noToken = sandbox.Client("");
        var missing = await noToken.PostControlAsync(sandbox.AgentUrl(1), "stop", Token);
        var (_, output) = await agent.StopAsync(Token);

        Assert.DoesNotContain("\"role\"", plain.StandardOutput, StringComparison.Ordinal);
        Assert.True(secure.ExitCode == 0, secure.Describe());
        Assert.Contains("\"role\":\"primary\"", secure.StandardOutput.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(untrusted.ExitCode != 0, "curl trusted the sandbox's CA without --cacert");
        Assert.Equal("401", wrong.StandardOutput.Trim());
        Assert.Equal(401, missing.StatusCode);
        Assert.Contains($"control stop refused from 127.0.0.1 (/control/stop): Wrong token", output, StringComparison.Ordinal);
        Assert.Contains($"control stop refused from 127.0.0.1 (/control/stop): Missing token", output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, output, StringComparison.Ordinal);
        Assert.DoesNotContain(AgentSecret, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_that_requires_client_certificates_refuses_a_caller_without_one_in_the_handshake()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token);
        await NodeConfig.SetAsync(sandbox.Config(1), Token, $"agent_token = {AgentSecret}", "agent_tls_client_auth = require");
        using var agent = AgentProcess.Start(Directory.Path, "-f", sandbox.Config(1), "daemon", "run");
        var (certificate, key) = sandbox.NodeCertificate(1);
        using var withCertificate = TestAgentClient.Create(AgentSecret, sandbox.CaFile, certificate, key);
        await WaitForAsync(agent, withCertificate, sandbox.AgentUrl(1));
        var port = new Uri(sandbox.AgentUrl(1)).Port;

        using var without = sandbox.Client(AgentSecret);
        var refused = await without.GetNodeAsync(sandbox.AgentUrl(1), Token);
        var curlWithout = await CurlAsync("-sS", "--max-time", "5", "--cacert", sandbox.CaFile, $"https://127.0.0.1:{port}/primary");
        var curlWith = await CurlAsync("-sS", "--max-time", "5", "--cacert", sandbox.CaFile, "--cert", certificate, "--key", key,
            $"https://127.0.0.1:{port}/primary");
        var accepted = await withCertificate.GetNodeAsync(sandbox.AgentUrl(1), Token);
        var (_, output) = await agent.StopAsync(Token);

        Assert.False(refused.Reachable, refused.ToString());
        Assert.Contains($"the agent at {sandbox.AgentUrl(1)}", refused.Error, StringComparison.Ordinal);
        Assert.Contains("client certificate", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"role\"", curlWithout.StandardOutput, StringComparison.Ordinal);
        Assert.True(curlWith.ExitCode == 0, curlWith.Describe());
        Assert.True(accepted.Succeeded, accepted.ToString());
        Assert.Contains("Failed to authenticate HTTPS connection", output, StringComparison.Ordinal);
        Assert.DoesNotContain(AgentSecret, output, StringComparison.Ordinal);
    }

    /// <summary>pgward's executable defers the system CA store at start (<see cref="SystemTrust"/>); an agent
    /// verified without agent_tls_ca_file is still verified against the system's CAs, read from SSL_CERT_FILE as
    /// OpenSSL reads them.</summary>
    [Fact]
    public async Task Without_agent_tls_ca_file_the_executable_trusts_the_system_CAs_it_is_given_and_no_other()
    {
        var (sandbox, agent) = await StartSandboxAgentAsync();
        using var running = agent;
        var systemless = Path.Combine(Directory.Path, "no-agent-ca.conf");
        File.Copy(sandbox.Config(1), systemless);
        await NodeConfig.SetAsync(systemless, Token, "agent_tls_ca_file = ''");
        using var other = CertificateAuthority.Create("another CA", TimeProvider.System);
        var otherCaFile = Path.Combine(Directory.Path, "other-ca.crt");
        CertificateAuthority.WriteCertificate(other.Certificate, otherCaFile);

        var trusted = await StatusAsync(systemless, sandbox.CaFile);
        var untrusted = await StatusAsync(systemless, otherCaFile);
        await agent.StopAsync(Token);

        Assert.True(trusted.ExitCode == 0, trusted.Describe());
        Assert.Contains("\"agent_reachable\":true", trusted.StandardOutput.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"agent_reachable\":false", untrusted.StandardOutput.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("is not issued by a CA this host trusts (agent_tls_ca_file is not set: the system", untrusted.StandardOutput,
            StringComparison.Ordinal);
    }

    /// <summary><c>daemon status --json</c> by the executable, with the system's CAs in <paramref name="systemCaFile"/>
    /// only.</summary>
    private Task<ProcessResult> StatusAsync(string config, string systemCaFile) =>
        new ProcessRunner().RunAsync(new ProcessRequest(TestPgward.Executable, ["-f", config, "daemon", "status", "--json"])
        {
            Timeout = TimeSpan.FromSeconds(30),
            Environment = new Dictionary<string, string> { ["SSL_CERT_FILE"] = systemCaFile, ["SSL_CERT_DIR"] = "" },
        }, Token);

    [Fact]
    public async Task Handshake_failures_name_the_agent_and_the_fix()
    {
        using var authority = CertificateAuthority.Create("test CA", TimeProvider.System);
        using var other = CertificateAuthority.Create("another CA", TimeProvider.System);
        using var past = CertificateAuthority.Create("test CA", new ShiftedTime(TimeSpan.FromDays(-1000)));
        var caFile = Path.Combine(Directory.Path, "ca.crt");
        var otherCaFile = Path.Combine(Directory.Path, "other-ca.crt");
        CertificateAuthority.WriteCertificate(authority.Certificate, caFile);
        CertificateAuthority.WriteCertificate(other.Certificate, otherCaFile);
        var pastCaFile = Path.Combine(Directory.Path, "past-ca.crt");
        CertificateAuthority.WriteCertificate(past.Certificate, pastCaFile);

        // Agents need no server to listen: one for another name, one with an expired certificate, one without TLS.
        var (misnamed, misnamedUrl) = await StartAgentAsync("misnamed", authority.Issue(["db2.example"]));
        var (expired, expiredUrl) = await StartAgentAsync("expired", past.Issue(["127.0.0.1"]));
        var (plain, plainUrl) = await StartAgentAsync("plain", null);
        using var trusting = TestAgentClient.Create(AgentSecret, caFile);
        using var trustingPast = TestAgentClient.Create(AgentSecret, pastCaFile);
        using var stranger = TestAgentClient.Create(AgentSecret, otherCaFile);
        await WaitForAsync(plain, trusting, plainUrl);
        await Sql.WaitUntilAsync(async () => (await trusting.GetHealthAsync(misnamedUrl, "liveness", Token)).Error?.Contains("names", StringComparison.Ordinal) == true, Token);
        await Sql.WaitUntilAsync(async () => (await trustingPast.GetHealthAsync(expiredUrl, "liveness", Token)).Error?.Contains("expired", StringComparison.Ordinal) == true, Token);

        var unknownCa = await stranger.GetNodeAsync(misnamedUrl, Token);
        var mismatch = await trusting.GetNodeAsync(misnamedUrl, Token);
        var outdated = await trustingPast.GetNodeAsync(expiredUrl, Token);
        var plainOnTls = await trusting.GetNodeAsync(plainUrl.Replace("http://", "https://", StringComparison.Ordinal), Token);
        var tlsOnPlain = await trusting.GetNodeAsync(misnamedUrl.Replace("https://", "http://", StringComparison.Ordinal), Token);
        misnamed.Dispose();
        expired.Dispose();
        plain.Dispose();

        Assert.StartsWith($"the certificate of the agent at {misnamedUrl} is not issued by the CA in agent_tls_ca_file ({otherCaFile})", unknownCa.Error);
        Assert.Contains("set agent_tls_ca_file to the CA that issued the agents' certificates", unknownCa.Error, StringComparison.Ordinal);
        Assert.Equal($"the certificate of the agent at {misnamedUrl} names db2.example, not 127.0.0.1: reissue it for the address in agent_address "
            + "(a subject alternative name), or register the agent under a name it has", mismatch.Error);
        Assert.StartsWith($"the certificate of the agent at {expiredUrl} expired on ", outdated.Error);
        Assert.Contains("reissue it", outdated.Error, StringComparison.Ordinal);
        Assert.StartsWith($"TLS handshake with the agent at {plainUrl.Replace("http://", "https://", StringComparison.Ordinal)} failed", plainOnTls.Error);
        Assert.Contains("turn TLS on there", plainOnTls.Error, StringComparison.Ordinal);
        Assert.StartsWith($"the agent at {misnamedUrl.Replace("https://", "http://", StringComparison.Ordinal)} closed the connection without an HTTP answer: it probably speaks TLS",
            tlsOnPlain.Error);
    }

    [Fact]
    public async Task Agent_refuses_plain_http_off_loopback_and_a_key_others_can_read_naming_the_fix()
    {
        var open = await RunAgentAsync("open", null, ("agent_address", "0.0.0.0"));
        using var authority = CertificateAuthority.Create("test CA", TimeProvider.System);
        var readable = await RunAgentAsync("readable", authority.Issue(["127.0.0.1"]), chmodKey: "644");
        var optedOut = await RunAgentAsync("opted-out", null, ("agent_address", "0.0.0.0"), ("agent_tls", "off"));

        Assert.True(open.ExitCode != 0, open.Output);
        Assert.Contains("the agent would listen on 0.0.0.0, not a loopback address, in plain HTTP", open.Output, StringComparison.Ordinal);
        Assert.Contains("agent_tls = off", open.Output, StringComparison.Ordinal);
        Assert.True(readable.ExitCode != 0, readable.Output);
        Assert.Contains("can be read by group or others", readable.Output, StringComparison.Ordinal);
        Assert.Contains("chmod 600 " + Path.Combine(Directory.Path, "readable", "node.key"), readable.Output, StringComparison.Ordinal);
        Assert.Contains("listening on http://0.0.0.0", optedOut.Output, StringComparison.Ordinal);
    }

    private async Task<(AgentProcess Agent, string Url)> StartAgentAsync(string name, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        var (config, url) = await WriteAgentConfigAsync(name, certificate, null);
        return (AgentProcess.Start(Directory.Path, "-f", config, "daemon", "run"), url);
    }

    /// <summary>Runs an agent that should stop by itself (a refusal), or is stopped after it listened.</summary>
    private async Task<(int ExitCode, string Output)> RunAgentAsync(string name, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        params (string Key, string Value)[] extra) => await RunAgentAsync(name, certificate, null, extra);

    private async Task<(int ExitCode, string Output)> RunAgentAsync(string name, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        string? chmodKey, params (string Key, string Value)[] extra)
    {
        var (config, _) = await WriteAgentConfigAsync(name, certificate, chmodKey, extra);
        using var agent = AgentProcess.Start(Directory.Path, "-f", config, "daemon", "run");
        using var settle = CancellationTokenSource.CreateLinkedTokenSource(Token);
        settle.CancelAfter(TimeSpan.FromSeconds(10));
        await Sql.WaitUntilAsync(() => Task.FromResult(agent.HasExited || agent.Output.Contains("listening on", StringComparison.Ordinal)), settle.Token);
        return agent.HasExited ? await agent.WaitAsync(Token) : await agent.StopAsync(Token);
    }

    private async Task<(string Config, string Url)> WriteAgentConfigAsync(string name, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        string? chmodKey, params (string Key, string Value)[] extra)
    {
        var directory = Path.Combine(Directory.Path, name);
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var settings = new List<(string, string)> { ("agent_port", $"{port}"), ("agent_token", AgentSecret) };
        if (certificate is not null)
        {
            using (certificate)
            {
                CertificateAuthority.WritePem(certificate, Path.Combine(directory, "node.crt"), Path.Combine(directory, "node.key"));
            }
            if (chmodKey is not null)
            {
                File.SetUnixFileMode(Path.Combine(directory, "node.key"), (UnixFileMode)Convert.ToInt32(chmodKey, 8));
            }
            settings.Add(("agent_tls_cert_file", Path.Combine(directory, "node.crt")));
            settings.Add(("agent_tls_key_file", Path.Combine(directory, "node.key")));
        }
        settings.AddRange(extra);
        // No server is needed: the agent listens before it probes anything.
        var config = await NodeConfig.WriteAsync(Path.Combine(directory, "pgward.conf"), 1, name,
            $"host=127.0.0.1 port={FreePort.Next()} user=postgres dbname=postgres connect_timeout=1", Path.Combine(directory, "data"),
            Token, [.. settings]);
        return (config, $"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}");
    }

    /// <summary>A 1-node TLS sandbox whose agent runs with <see cref="AgentSecret"/>, answering.</summary>
    private async Task<(Sandbox Sandbox, AgentProcess Agent)> StartSandboxAgentAsync()
    {
        var sandbox = await Sandbox.UpAsync(Directory, 1, Token);
        await NodeConfig.SetAsync(sandbox.Config(1), Token, $"agent_token = {AgentSecret}");
        var agent = AgentProcess.Start(Directory.Path, "-f", sandbox.Config(1), "daemon", "run");
        try
        {
            using var client = sandbox.Client(AgentSecret);
            await WaitForAsync(agent, client, sandbox.AgentUrl(1));
            return (sandbox, agent);
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    private async Task WaitForAsync(AgentProcess agent, AgentClient client, string url) =>
        await Sql.WaitUntilAsync(async () =>
        {
            Assert.False(agent.HasExited, agent.Output);
            return (await client.GetHealthAsync(url, "liveness", Token, TimeSpan.FromSeconds(1))).Succeeded;
        }, Token);

    private Task<ProcessResult> CurlAsync(params string[] args) =>
        new ProcessRunner().RunAsync(new ProcessRequest("curl", args) { Timeout = TimeSpan.FromSeconds(10) }, Token);

    /// <summary>The real clock moved by an offset: a CA made with it issues certificates that expired long ago.</summary>
    private sealed class ShiftedTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
