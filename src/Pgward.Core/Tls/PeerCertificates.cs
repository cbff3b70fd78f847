using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Pgward.Core.Tls;

/// <summary>
/// Verifies a peer's certificate against the CA of a setting (custom root trust: the system's CAs do not count) and
/// turns what failed into words: unknown CA, expired, or a name that is not the one dialled.
/// </summary>
public static class PeerCertificates
{
    /// <summary>A chain policy that trusts <paramref name="authorities"/> only, without revocation checks (a private CA
    /// publishes no revocation list).</summary>
    public static X509ChainPolicy TrustOnly(X509Certificate2Collection authorities)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(authorities);
        return policy;
    }

    /// <summary>Builds <paramref name="certificate"/>'s chain against <paramref name="authorities"/> only; null when it
    /// is valid, else the problem.</summary>
    public static PeerCertificateException? Verify(X509Certificate2 certificate, X509Certificate2Collection authorities, string caSetting,
        DateTimeOffset now)
    {
        using var chain = new X509Chain { ChainPolicy = TrustOnly(authorities) };
        return chain.Build(certificate) ? null : Explain(SslPolicyErrors.RemoteCertificateChainErrors, chain, certificate, null, caSetting, now);
    }

    /// <summary>What <paramref name="errors"/> mean for <paramref name="certificate"/> dialled as <paramref name="targetHost"/>
    /// (null: no name check), or null when there are none.</summary>
    /// <param name="caSetting">The setting of the CA file, e.g. <c>agent_tls_ca_file</c>, told in the fix.</param>
    /// <param name="trusted">What the chain was verified against, e.g. "agent_tls_ca_file (/etc/pgward/ca.crt)"; null: the
    /// setting's name alone.</param>
    public static PeerCertificateException? Explain(SslPolicyErrors errors, X509Chain? chain, X509Certificate? certificate, string? targetHost,
        string caSetting, DateTimeOffset now, string? trusted = null)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return new PeerCertificateException("was not presented", "the peer must have a certificate (agent_tls_cert_file and agent_tls_key_file)");
        }
        using var peer = new X509Certificate2(certificate);
        var status = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            var when = peer.NotBefore.ToUniversalTime() > now.UtcDateTime
                ? "is not valid before " + Stamp(peer.NotBefore)
                : "expired on " + Stamp(peer.NotAfter);
            return new PeerCertificateException(when, "reissue it from the CA and restart that agent (check the hosts' clocks too)");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var detail = chain is null ? "" : " (" + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct()) + ")";
            return new PeerCertificateException($"is not issued by {(trusted ?? "the CA in " + caSetting)}{detail}",
                $"set {caSetting} to the CA that issued the agents' certificates, or reissue that certificate from it");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) && targetHost is not null)
        {
            return new PeerCertificateException($"names {Names(peer)}, not {targetHost}",
                "reissue it for the address in agent_address (a subject alternative name), or register the agent under a name it has");
        }
        return new PeerCertificateException($"was refused ({errors})", $"check it against the CA in {caSetting}");
    }

    /// <summary>The DNS names and addresses a certificate is for (its subject alternative names, else its CN).</summary>
    public static string Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension alternatives)
            {
                names.AddRange(alternatives.EnumerateDnsNames());
                names.AddRange(alternatives.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }
        if (names.Count == 0)
        {
            names.Add(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        }
        return string.Join(", ", names);
    }

    private static string Stamp(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The host part of a URL as TLS compares it (an IPv6 address without brackets).</summary>
    public static string TargetHost(Uri url) => IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var a) ? a.ToString() : url.IdnHost;
}
