using Microsoft.Extensions.Time.Testing;
using Pgward.Core.Tls;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Tls;

public sealed class TlsFilesTests
{
    [Fact]
    public void LoadCertificate_reads_an_ecdsa_certificate_and_key_written_as_pem()
    {
        using var dir = new TempDirectory();
        using var ca = CertificateAuthority.Create("test CA", TimeProvider.System);
        using var issued = ca.Issue(["127.0.0.1"]);
        CertificateAuthority.WritePem(issued, Path.Combine(dir.Path, "node.crt"), Path.Combine(dir.Path, "node.key"));

        var (certificate, problem) = TlsFiles.LoadCertificate(Path.Combine(dir.Path, "node.crt"), Path.Combine(dir.Path, "node.key"));

        using (certificate)
        {
            Assert.Null(problem);
            Assert.True(certificate!.HasPrivateKey);
            Assert.Equal(issued.Thumbprint, certificate.Thumbprint);
        }
    }

    [Fact]
    public void LoadCertificate_refuses_a_key_that_group_or_others_can_read_naming_the_file_and_chmod_600()
    {
        using var dir = new TempDirectory();
        using var ca = CertificateAuthority.Create("test CA", TimeProvider.System);
        using var issued = ca.Issue(["127.0.0.1"]);
        var key = Path.Combine(dir.Path, "node.key");
        CertificateAuthority.WritePem(issued, Path.Combine(dir.Path, "node.crt"), key);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var (certificate, problem) = TlsFiles.LoadCertificate(Path.Combine(dir.Path, "node.crt"), key);

        Assert.Null(certificate);
        Assert.Equal($"agent_tls_key_file {key} can be read by group or others; its private key must be the owner's only: chmod 600 {key}", problem);
    }

    [Fact]
    public void LoadCertificate_names_the_settings_when_a_file_is_missing()
    {
        var (certificate, problem) = TlsFiles.LoadCertificate("/nonexistent/node.crt", "/nonexistent/node.key");

        Assert.Null(certificate);
        Assert.Contains("agent_tls_key_file /nonexistent/node.key", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_names_an_unknown_ca_and_an_expired_certificate()
    {
        using var ca = CertificateAuthority.Create("test CA", TimeProvider.System);
        using var other = CertificateAuthority.Create("other CA", TimeProvider.System);
        using var past = CertificateAuthority.Create("old CA", new FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        using var host = ca.Issue(["127.0.0.1"]);
        using var old = past.Issue(["127.0.0.1"]);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var unknown = PeerCertificates.Verify(host, [other.Certificate], "agent_tls_ca_file", now);
        var expired = PeerCertificates.Verify(old, [past.Certificate], "agent_tls_ca_file", now);

        Assert.Null(PeerCertificates.Verify(host, [ca.Certificate], "agent_tls_ca_file", now));
        Assert.StartsWith("is not issued by the CA in agent_tls_ca_file", unknown!.Problem);
        Assert.Equal("expired on 2021-12-31 00:00 UTC", expired!.Problem);
    }

    [Fact]
    public void Names_lists_the_dns_names_and_addresses_of_a_certificate()
    {
        using var ca = CertificateAuthority.Create("test CA", TimeProvider.System);
        using var host = ca.Issue(["db2.example", "10.0.0.2"]);

        Assert.Equal("db2.example, 10.0.0.2", PeerCertificates.Names(host));
    }
}
