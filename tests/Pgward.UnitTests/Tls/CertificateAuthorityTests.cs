using System.Security.Cryptography.X509Certificates;
using Pgward.Core.Tls;
using Pgward.UnitTests.Cluster;
using Xunit;

namespace Pgward.UnitTests.Tls;

public sealed class CertificateAuthorityTests
{
    [Fact]
    public void Issue_makes_a_certificate_that_chains_to_the_ca_and_names_every_host_name_and_address()
    {
        using var ca = CertificateAuthority.Create("pgward test CA", TimeProvider.System);
        using var host = ca.Issue(["db1.example", "10.0.0.1", "127.0.0.1"]);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(host), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(host.MatchesHostname("db1.example"));
        Assert.True(host.MatchesHostname("10.0.0.1"));
        Assert.False(host.MatchesHostname("db2.example"));
        Assert.True(host.HasPrivateKey);
    }

    [Fact]
    public void WritePem_leaves_the_key_readable_by_its_owner_only_and_loads_back()
    {
        using var dir = new TempDirectory();
        using var ca = CertificateAuthority.Create("pgward test CA", TimeProvider.System);
        ca.Save(dir.File("ca.crt"), dir.File("ca.key"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir.File("ca.key")));
        Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(dir.File("ca.crt")));
        using var loaded = CertificateAuthority.Load(dir.File("ca.crt"), dir.File("ca.key"), TimeProvider.System);
        Assert.Equal(ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
    }
}
