using System.Runtime.InteropServices;

namespace Pgward.Core.Tls;

/// <summary>
/// Points OpenSSL's idea of the system's CA store (<c>SSL_CERT_FILE</c>, <c>SSL_CERT_DIR</c>) at the one CA file a
/// short-lived process trusts. .NET builds an X509 chain on every TLS handshake, and on Linux that reads the whole
/// system store first (about 140 certificates in <c>/etc/ssl/certs</c>, in the bundle and again one file each): most of
/// the time of a <c>backup wal-fetch</c>, which PostgreSQL runs once per WAL or history file, several times during a
/// promotion. With <c>agent_tls_ca_file</c> set the system's CAs are not trusted anyway (the chain policy trusts that
/// file only), so nothing changes but the time. Only for a process that makes no other TLS connection; .NET reads the
/// variables from the native environment when it first opens the store, so this must come before.
/// </summary>
public static class TrustStoreScope
{
    /// <summary>Limits the system store to <paramref name="caFile"/> when it is set; nothing otherwise.</summary>
    public static void LimitTo(string caFile)
    {
        if (caFile.Length == 0)
        {
            return;
        }
        // Both: the bundle file and the hashed directory. A file given as the directory is skipped, not read.
        SetEnv("SSL_CERT_FILE", caFile, 1);
        SetEnv("SSL_CERT_DIR", caFile, 1);
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
