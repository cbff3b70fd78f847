using System.Security.Cryptography;
using Pgward.Core.IO;
using Pgward.Core.Postgres;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// How the sandbox's servers authenticate clients, as a production cluster should: scram-sha-256 over TLS only. One
/// random password for the <c>pgward</c> superuser, kept only in <c>DIR/pgpass</c> (0600, owned by the servers' OS
/// user so that their WAL receivers, pg_basebackup and pg_rewind read it; root reads it too); every conninfo names it
/// with <c>passfile</c> and verifies the server's certificate against <c>DIR/tls/ca.crt</c>
/// (<c>sslmode=verify-full</c>). With <c>--tls false</c> (<paramref name="tls"/> false: a baseline for benchmarks) the
/// same without TLS: <c>host</c> lines and <c>sslmode=disable</c>.
/// </summary>
public sealed class SandboxAuthentication(SandboxLayout layout, SandboxCertificates certificates, ServerAccount account, bool tls)
{
    /// <summary>pg_hba.conf of every sandbox server: no trust; with TLS, no TCP connection without it.</summary>
    public IReadOnlyList<string> HbaLines =>
    [
        tls ? "# pgward sandbox: scram-sha-256 everywhere; TCP only with TLS (hostssl)" : "# pgward sandbox (--tls false): scram-sha-256 everywhere, no TLS",
        "# TYPE   DATABASE     USER  ADDRESS       METHOD",
        "local    all          all                 scram-sha-256",
        "local    replication  all                 scram-sha-256",
        $"{(tls ? "hostssl" : "host   ")}  all          all   127.0.0.1/32  scram-sha-256",
        $"{(tls ? "hostssl" : "host   ")}  replication  all   127.0.0.1/32  scram-sha-256",
    ];

    /// <summary>The libpq password file every sandbox conninfo names.</summary>
    public string PasswordFile => Path.Combine(layout.Directory, "pgpass");

    /// <summary>Creates the password and <see cref="PasswordFile"/> when the sandbox has none yet.</summary>
    public async Task EnsurePasswordFileAsync(CancellationToken ct)
    {
        if (File.Exists(PasswordFile))
        {
            return;
        }
        var password = RandomNumberGenerator.GetHexString(32, lowercase: true);
        DurableFile.WriteAllText(PasswordFile, $"*:*:*:{SandboxUp.User}:{password}\n");
        await ChownAsync(PasswordFile, ct);
    }

    /// <summary>
    /// Runs <paramref name="initdb"/> with a password file for <c>initdb --pwfile</c> (0600, owned by the servers' OS
    /// user who runs initdb) in <paramref name="nodeDirectory"/>, removed again whatever happens.
    /// </summary>
    public async Task<T> WithInitdbPasswordAsync<T>(string nodeDirectory, Func<string, Task<T>> initdb)
    {
        var file = Path.Combine(nodeDirectory, "initdb-password");
        try
        {
            DurableFile.WriteAllText(file, ReadPassword() + "\n", ownerLike: nodeDirectory);
            return await initdb(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The keywords every sandbox conninfo ends with: TLS verified against the sandbox's CA (or, without TLS,
    /// <c>sslmode=disable</c>), the password file.</summary>
    public string ConninfoSecurity => tls
        ? $"sslmode=verify-full sslrootcert={Conninfo.Quote(certificates.CaFile)} passfile={Conninfo.Quote(PasswordFile)}"
        : $"sslmode=disable passfile={Conninfo.Quote(PasswordFile)}";

    private string ReadPassword()
    {
        var line = File.ReadLines(PasswordFile).First(l => l.Length > 0 && !l.StartsWith('#'));
        return line[(line.LastIndexOf(':') + 1)..];
    }

    private async Task ChownAsync(string path, CancellationToken ct)
    {
        if (await account.ChownAsync(path, ct) is { Succeeded: false } chown)
        {
            throw new IOException(chown.Describe());
        }
    }
}
