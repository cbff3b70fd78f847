using System.Security.Cryptography;
using Pgward.Core.IO;
using Pgward.Core.Postgres;
using Pgward.Core.Tls;

namespace Pgward.Testing;

/// <summary>
/// How every test server authenticates, as in production: scram-sha-256 over TLS, never trust. One set per test run in
/// <c>/tmp/pgward-it/auth-PID/</c>, owned by the server account: a CA (<c>ca.crt</c>), a server certificate for
/// 127.0.0.1 and localhost (<c>server.crt</c>, <c>server.key</c> 0600), one random password for every user, kept in
/// the libpq password file <c>pgpass</c> (0600; libpq run as the server account, for pg_basebackup and the WAL
/// receivers, reads it as Npgsql run as root does) and in <c>initdb-password</c> (0600) for <c>initdb --pwfile</c>.
/// Made by <see cref="EnsureAsync"/> (which <see cref="TestDirectory.CreateAsync"/> calls), removed when the run ends.
/// </summary>
public sealed class TestAuthentication
{
    private const string DirectoryPrefix = "auth-";
    private static readonly SemaphoreSlim Creating = new(1, 1);
    private static TestAuthentication? current;

    private TestAuthentication(string directory) => Directory = directory;

    /// <summary>This run's set; <see cref="EnsureAsync"/> must have run (every test's directory does).</summary>
    public static TestAuthentication Current =>
        current ?? throw new InvalidOperationException("TestAuthentication.EnsureAsync has not run: create a TestDirectory first.");

    public string Directory { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    private string CaKeyFile => Path.Combine(Directory, "ca.key");

    public string ServerCertificateFile => Path.Combine(Directory, "server.crt");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    /// <summary>libpq password file: <c>*:*:*:*:PASSWORD</c>, 0600.</summary>
    public string PasswordFile => Path.Combine(Directory, "pgpass");

    /// <summary>The password alone, for <c>initdb --pwfile</c>, 0600.</summary>
    public string InitdbPasswordFile => Path.Combine(Directory, "initdb-password");

    /// <summary>What a libpq conninfo adds to reach a test server: TLS verified against the test CA, the password file.</summary>
    public string ConninfoSecurity =>
        $"sslmode=verify-full sslrootcert={Conninfo.Quote(CaFile)} passfile={Conninfo.Quote(PasswordFile)}";

    /// <summary>The same for an Npgsql connection string.</summary>
    public string NpgsqlSecurity => $"SSL Mode=VerifyFull;Root Certificate={CaFile};Passfile={PasswordFile}";

    /// <summary>pg_hba.conf lines: scram-sha-256 over the unix socket and, over TLS only, from <paramref name="addresses"/>
    /// (CIDR); for replication connections too when <paramref name="replication"/>.</summary>
    public static IReadOnlyList<string> HbaLines(string addresses, bool replication = true) =>
    [
        "local all all scram-sha-256",
        $"hostssl all all {addresses} scram-sha-256",
        .. replication ? new[] { "local replication all scram-sha-256", $"hostssl replication all {addresses} scram-sha-256" } : [],
    ];

    /// <summary>Creates this run's set once.</summary>
    public static async Task<TestAuthentication> EnsureAsync(PgTestEnvironment env, CancellationToken cancellationToken)
    {
        await Creating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (current is not null)
            {
                return current;
            }

            RemoveStale();
            var directory = Path.Combine(TestDirectory.Root, DirectoryPrefix + Environment.ProcessId);
            if (await env.Account.CreateOwnedDirectoryAsync(directory, cancellationToken).ConfigureAwait(false) is { Succeeded: false } chown)
            {
                throw new InvalidOperationException($"Cannot give {directory} to the server account: {chown.Describe()}");
            }

            var made = new TestAuthentication(directory);
            made.Write();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => made.Remove();
            current = made;
            return made;
        }
        finally
        {
            Creating.Release();
        }
    }

    /// <summary>Issues a server certificate for <paramref name="names"/> (IP addresses or DNS names) signed by the test
    /// CA, its key 0600; both owned like <paramref name="ownerLike"/>.</summary>
    public void IssueServerCertificate(IReadOnlyList<string> names, string certificateFile, string keyFile, string ownerLike)
    {
        using var ca = CertificateAuthority.Load(CaFile, CaKeyFile, TimeProvider.System);
        using var certificate = ca.Issue(names);
        CertificateAuthority.WritePem(certificate, certificateFile, keyFile, ownerLike);
    }

    private void Write()
    {
        using (var ca = CertificateAuthority.Create("pgward test CA", TimeProvider.System))
        {
            ca.Save(CaFile, CaKeyFile, ownerLike: Directory);
        }

        IssueServerCertificate(["127.0.0.1", "localhost"], ServerCertificateFile, ServerKeyFile, Directory);
        var password = RandomNumberGenerator.GetHexString(32, lowercase: true);
        DurableFile.WriteAllText(PasswordFile, $"*:*:*:*:{password}\n", DurableFile.OwnerOnly, Directory);
        DurableFile.WriteAllText(InitdbPasswordFile, password + "\n", DurableFile.OwnerOnly, Directory);
    }

    private void Remove()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort at exit: RemoveStale of a later run removes it.
        }
    }

    /// <summary>Removes the sets of earlier runs that ended without removing theirs (killed, say).</summary>
    private static void RemoveStale()
    {
        if (!System.IO.Directory.Exists(TestDirectory.Root))
        {
            return;
        }

        foreach (var stale in System.IO.Directory.GetDirectories(TestDirectory.Root, DirectoryPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(stale)[DirectoryPrefix.Length..], out var pid) && !PostmasterPid.ProcessAlive(pid))
            {
                System.IO.Directory.Delete(stale, recursive: true);
            }
        }
    }
}
