using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pgward.Core.Tls;

/// <summary>
/// Reads the PEM files of a TLS setting (RSA or ECDSA keys, PKCS#8 or traditional). Problems come back as text
/// naming the setting, the file and the fix; a private key that group or others can read is refused, as PostgreSQL
/// refuses its own.
/// </summary>
public static class TlsFiles
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The certificate with its private key, or the problem.</summary>
    public static (X509Certificate2? Certificate, string? Problem) LoadCertificate(string certFile, string keyFile,
        string certSetting = "agent_tls_cert_file", string keySetting = "agent_tls_key_file")
    {
        if (KeyModeProblem(keyFile, keySetting) is { } problem)
        {
            return (null, problem);
        }
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            return certificate.HasPrivateKey ? (certificate, null) : (null, $"{keySetting} {keyFile} holds no private key of {certFile}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read {certSetting} {certFile} or {keySetting} {keyFile}: {e.Message}");
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return (null, $"{certSetting} {certFile} and {keySetting} {keyFile} are not a PEM certificate and its private key: {e.Message}");
        }
    }

    /// <summary>The CA certificates of a PEM file (one or more), or the problem.</summary>
    public static (X509Certificate2Collection? Certificates, string? Problem) LoadAuthorities(string caFile, string setting = "agent_tls_ca_file")
    {
        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(caFile);
            return certificates.Count > 0 ? (certificates, null) : (null, $"{setting} {caFile} holds no PEM certificate");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read {setting} {caFile}: {e.Message}");
        }
        catch (CryptographicException e)
        {
            return (null, $"{setting} {caFile} is not a PEM certificate: {e.Message}");
        }
    }

    /// <summary>A problem when the key file can be read by group or others (a private key shared with every local user).</summary>
    public static string? KeyModeProblem(string keyFile, string setting = "agent_tls_key_file")
    {
        try
        {
            return (File.GetUnixFileMode(keyFile) & GroupOrOther) != 0
                ? $"{setting} {keyFile} can be read by group or others; its private key must be the owner's only: chmod 600 {keyFile}"
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read {setting} {keyFile}: {e.Message}";
        }
    }
}
