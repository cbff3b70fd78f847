using System.Text;
using Npgsql;
using Pgward.Cluster.Clone;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>
/// The sandbox authenticates as production should: every connection (client, a standby's WAL receiver, the backup
/// server's WAL stream) uses TLS, verified against the sandbox's CA, and scram-sha-256 with the password file; no
/// pg_hba.conf line trusts anyone, and the password is in no file that group or others can read.
/// </summary>
public sealed class SandboxSecurityTests : PgIntegrationTest
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    protected override TimeSpan Deadline => TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Sandbox_connections_are_tls_with_scram_and_the_password_is_only_in_owner_only_files()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token, witness: true, backup: true);
        try
        {
            var primary = sandbox.ConnectionString(1);
            Assert.True(await Sql.ScalarAsync<bool>(primary, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", Token));
            // node2's WAL receiver and the backup server's WAL stream, each through its slot, both over TLS.
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(primary,
                "SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name IN ('pgward_slot_2', 'pgward_backup')", Token) == 2, Token);
            Assert.Equal(2, await Sql.ScalarAsync<long>(primary, """
                SELECT count(*) FROM pg_replication_slots s JOIN pg_stat_replication r ON r.pid = s.active_pid JOIN pg_stat_ssl l ON l.pid = r.pid
                WHERE s.slot_name IN ('pgward_slot_2', 'pgward_backup') AND l.ssl
                """, Token));
            Assert.Equal(0, await Sql.ScalarAsync<long>(primary, "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_ssl l USING (pid) WHERE NOT l.ssl", Token));
            Assert.True(await Sql.ScalarAsync<bool>(primary, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'pgward'", Token));

            foreach (var connection in new[] { primary, sandbox.ConnectionString(2), sandbox.WitnessConnectionString })
            {
                Assert.Equal("", await Sql.ScalarAsync<string>(connection, """
                    SELECT coalesce(string_agg(line_number || ': ' || type || ' ' || auth_method, ', '), '') FROM pg_hba_file_rules
                    WHERE auth_method <> 'scram-sha-256' OR type NOT IN ('local', 'hostssl') OR error IS NOT NULL
                    """, Token));
            }

            var conninfo = PrimaryConninfo.Read(sandbox.DataDirectory(2));
            Assert.NotNull(conninfo);
            var upstream = Conninfo.Parse(conninfo);
            Assert.Equal("verify-full", upstream["sslmode"]);
            Assert.Equal(sandbox.CaFile, upstream["sslrootcert"]);
            Assert.Equal(sandbox.PasswordFile, upstream["passfile"]);
            Assert.Null(upstream["password"]);

            await AssertRefusedAsync(sandbox);
            await AssertPrintedPsqlWorksAsync(sandbox);
            AssertPasswordOnlyInOwnerOnlyFiles(sandbox);
        }
        finally
        {
            await PgwardCli.RunAsync(Sandbox.Executable, CancellationToken.None, "sandbox", "down", "--dir", sandbox.Directory);
        }
    }

    /// <summary>Without the password file, with a wrong password, or without TLS, the server refuses.</summary>
    private async Task AssertRefusedAsync(Sandbox sandbox)
    {
        var noPassfile = new NpgsqlConnectionStringBuilder(sandbox.ConnectionString(1)) { Passfile = null };
        var missing = await Assert.ThrowsAnyAsync<NpgsqlException>(() => Sql.ScalarAsync<int>(noPassfile.ConnectionString, "SELECT 1", Token));
        Assert.Contains("password", missing.Message, StringComparison.OrdinalIgnoreCase);

        var wrong = new NpgsqlConnectionStringBuilder(sandbox.ConnectionString(1)) { Password = "not-the-password" };
        var refused = await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync<int>(wrong.ConnectionString, "SELECT 1", Token));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);

        var plain = new NpgsqlConnectionStringBuilder(sandbox.ConnectionString(1)) { SslMode = SslMode.Disable };
        var unencrypted = await Assert.ThrowsAsync<PostgresException>(() => Sql.ScalarAsync<int>(plain.ConnectionString, "SELECT 1", Token));
        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, unencrypted.SqlState);
        Assert.Contains("no encryption", unencrypted.MessageText, StringComparison.Ordinal);
    }

    /// <summary>The psql line sandbox up prints works as printed, over TLS, without asking for a password.</summary>
    private async Task AssertPrintedPsqlWorksAsync(Sandbox sandbox)
    {
        var line = sandbox.UpOutput.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("psql ", StringComparison.Ordinal));
        var bin = PgTestEnvironment.Require().Binaries.BinDirectory;
        var run = await new ProcessRunner().RunAsync(new ProcessRequest("sh",
            ["-c", $"PATH={bin}:$PATH {line} -w -X -A -t -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'"])
        {
            Timeout = TimeSpan.FromSeconds(30),
        }, Token);
        Assert.True(run.Succeeded, $"{line}: {run.StandardError}");
        Assert.Equal("t", run.StandardOutput.Trim());
    }

    /// <summary>Every file under the sandbox's directory that holds the password is readable by its owner only.</summary>
    private static void AssertPasswordOnlyInOwnerOnlyFiles(Sandbox sandbox)
    {
        var password = File.ReadAllText(sandbox.PasswordFile).Trim().Split(':')[^1];
        Assert.Equal(32, password.Length);
        var needle = Encoding.ASCII.GetBytes(password);
        var holders = new List<string>();
        var exposed = new List<string>();
        foreach (var path in System.IO.Directory.EnumerateFiles(sandbox.Directory, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null || info.Name.StartsWith(".s.PGSQL", StringComparison.Ordinal))
            {
                continue;
            }
            if (File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0)
            {
                holders.Add(path);
                if ((info.UnixFileMode & GroupOrOther) != 0)
                {
                    exposed.Add($"{path} ({info.UnixFileMode})");
                }
            }
        }
        Assert.Equal([sandbox.PasswordFile], holders);
        Assert.True(exposed.Count == 0, "readable by others: " + string.Join(", ", exposed));
    }
}
