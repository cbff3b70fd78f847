using System.Net.Security;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pgward.Core.Tls;

/// <summary>
/// The system's CAs, read only by a process that trusts them.
/// </summary>
/// <remarks>
/// On Linux, .NET reads the whole system store on the first X509 chain a process builds, whatever the chain's trust
/// mode: the bundle and every file of <c>/etc/ssl/certs</c>, about 290 certificates here, ~110 ms of CPU before the
/// first TLS handshake of every command. pgward's own peers are verified against a configured CA
/// (<c>agent_tls_ca_file</c>, a conninfo's <c>sslrootcert</c>) and never need it. So each pgward process starts with
/// <see cref="DeferMachineStores"/>: .NET's store is loaded once from empty locations, and the environment is put back
/// as it was (children such as <c>pg_ctl</c> and the servers it starts see what the user set). The one verification
/// that trusts the system, an agent's certificate when <c>agent_tls_ca_file</c> is not set, rebuilds its chain with
/// <see cref="Rebuild"/>, which reads the store then (<c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c> as the user set
/// them, else OpenSSL's places on Debian). A PostgreSQL conninfo that verifies the server (<c>sslmode=verify-ca</c>,
/// <c>verify-full</c>) names its CA as libpq 15 requires (<c>sslrootcert</c>, else <c>~/.postgresql/root.crt</c>).
/// </remarks>
public static class SystemTrust
{
    private const string FileVariable = "SSL_CERT_FILE";
    private const string DirectoryVariable = "SSL_CERT_DIR";

    // OpenSSL's defaults on Debian (OPENSSLDIR /usr/lib/ssl, whose certs is a link to /etc/ssl/certs), and .NET's own
    // fallback when that directory holds nothing.
    private static readonly string[] DefaultFiles = ["/usr/lib/ssl/cert.pem"];
    private static readonly string[] DefaultDirectories = ["/usr/lib/ssl/certs", "/etc/ssl/certs"];

    private static string? userFile;
    private static string? userDirectories;
    private static readonly Lazy<X509Certificate2Collection> Authorities = new(LoadAuthorities);

    /// <summary>Whether this process deferred .NET's system store: a chain built without a custom trust store then
    /// trusts nothing, and <see cref="Rebuild"/> must verify it.</summary>
    public static bool Deferred { get; private set; }

    /// <summary>Loads .NET's system store from empty locations, once, before any chain is built (the first lines of
    /// the process: the variables are the native environment's, and no other thread may read them meanwhile).</summary>
    public static void DeferMachineStores()
    {
        if (!OperatingSystem.IsLinux() || Deferred)
        {
            return;
        }
        userFile = Environment.GetEnvironmentVariable(FileVariable);
        userDirectories = Environment.GetEnvironmentVariable(DirectoryVariable);
        SetEnv(FileVariable, "", 1);
        SetEnv(DirectoryVariable, "", 1);
        try
        {
            using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            store.Open(OpenFlags.ReadOnly);
            _ = store.Certificates.Count;
            Deferred = true;
        }
        finally
        {
            Restore(FileVariable, userFile);
            Restore(DirectoryVariable, userDirectories);
        }
    }

    /// <summary>Verifies <paramref name="certificate"/> against the system's CAs when .NET's own verification ran
    /// against the deferred store and found no trusted root: the errors and chain to judge the certificate by, the
    /// name check kept from <paramref name="errors"/>. Otherwise the arguments as they are. The caller disposes a
    /// chain it did not pass in.</summary>
    public static (SslPolicyErrors Errors, X509Chain? Chain) Rebuild(SslPolicyErrors errors, X509Chain? chain, X509Certificate? certificate)
    {
        if (!Deferred || certificate is null || !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            return (errors, chain);
        }
        var rebuilt = new X509Chain { ChainPolicy = PeerCertificates.TrustOnly(Authorities.Value) };
        if (chain is not null)
        {
            rebuilt.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
        }
        using var peer = new X509Certificate2(certificate);
        var valid = rebuilt.Build(peer);
        var rest = errors & ~SslPolicyErrors.RemoteCertificateChainErrors;
        return (valid ? rest : rest | SslPolicyErrors.RemoteCertificateChainErrors, rebuilt);
    }

    /// <summary>The system's CA certificates, read as OpenSSL would find them for this process.</summary>
    private static X509Certificate2Collection LoadAuthorities()
    {
        var authorities = new X509Certificate2Collection();
        foreach (var file in userFile is null ? DefaultFiles : [userFile])
        {
            Import(authorities, file);
        }
        var directories = userDirectories?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? DefaultDirectories;
        foreach (var directory in directories)
        {
            var before = authorities.Count;
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory))
                {
                    Import(authorities, file);
                }
            }
            if (userDirectories is null && authorities.Count > before)
            {
                break;
            }
        }
        return authorities;
    }

    private static void Import(X509Certificate2Collection authorities, string file)
    {
        try
        {
            authorities.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            // Not a certificate, or not readable: OpenSSL skips it too.
        }
    }

    private static void Restore(string name, string? value)
    {
        if (value is null)
        {
            UnsetEnv(name);
        }
        else
        {
            SetEnv(name, value, 1);
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("libc", EntryPoint = "unsetenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int UnsetEnv(string name);
}
