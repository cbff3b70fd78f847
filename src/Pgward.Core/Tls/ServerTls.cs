using System.Security.Cryptography.X509Certificates;

namespace Pgward.Core.Tls;

/// <summary>
/// What an HTTPS endpoint pgward serves needs, read from its files: the certificate with its key, and the CAs a caller's
/// certificate must come from when client certificates are required (null: none asked). Settings are named by the
/// caller (<c>agent_tls_*</c> for the agents), so that another endpoint can use its own.
/// </summary>
public sealed class ServerTls(X509Certificate2 certificate, X509Certificate2Collection? clientAuthorities, string caSetting) : IDisposable
{
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary>The CAs of required client certificates; null when callers are not asked for one.</summary>
    public X509Certificate2Collection? ClientAuthorities { get; } = clientAuthorities;

    /// <summary>The setting that names the CA file, for messages.</summary>
    public string CaSetting { get; } = caSetting;

    /// <summary>Reads the files; the problem names the setting, the file and the fix.</summary>
    public static (ServerTls? Tls, string? Problem) Load(string certFile, string keyFile, string caFile, bool requireClientCertificate,
        string settingPrefix = "agent_tls")
    {
        var (certificate, problem) = TlsFiles.LoadCertificate(certFile, keyFile, $"{settingPrefix}_cert_file", $"{settingPrefix}_key_file");
        if (certificate is null)
        {
            return (null, problem);
        }
        X509Certificate2Collection? authorities = null;
        if (requireClientCertificate)
        {
            (authorities, problem) = TlsFiles.LoadAuthorities(caFile, $"{settingPrefix}_ca_file");
            if (authorities is null)
            {
                certificate.Dispose();
                return (null, problem);
            }
        }
        return (new ServerTls(certificate, authorities, $"{settingPrefix}_ca_file"), null);
    }

    public void Dispose() => Certificate.Dispose();
}
