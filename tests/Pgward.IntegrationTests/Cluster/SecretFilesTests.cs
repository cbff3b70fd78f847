using Pgward.Core.IO;
using Pgward.Testing;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>Every file pgward writes that holds a password or a token is readable by its owner only, and (when pgward
/// runs as root) a node's files belong to the server's OS user.</summary>
public sealed class SecretFilesTests : PgIntegrationTest
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task A_sandbox_leaves_no_password_or_token_readable_by_others_and_gives_its_files_to_the_server_user()
    {
        var sandbox = await Sandbox.UpAsync(Directory, nodes: 2, Token);
        // A conninfo with the password itself, as a cluster built by hand may register it (the sandbox names its
        // password file): the password must then not leak from the node records into files others can read.
        var password = (await File.ReadAllTextAsync(sandbox.PasswordFile, Token)).Trim().Split(':')[^1];
        await Sql.ExecuteAsync(sandbox.ConnectionString(1), $"update pgward.nodes set conninfo = conninfo || ' password={password}'", Token);
        foreach (var id in new[] { 1, 2 })
        {
            await Sql.WaitUntilAsync(async () => await Sql.ScalarAsync<long>(sandbox.ConnectionString(id),
                $"select count(*) from pgward.nodes where conninfo like '%{password}%'", Token) == 2, Token);
            var show = await PgwardCli.RunAsync(Token, "-f", sandbox.Config(id), "cluster", "show");
            Assert.True(show.ExitCode == 0, show.ToString());
        }
        var token = File.ReadAllLines(sandbox.Config(1)).Single(l => l.StartsWith("agent_token", StringComparison.Ordinal)).Split('=', 2)[1].Trim().Trim('\'');

        var secretFiles = new List<string>();
        var exposed = new List<string>();
        var misowned = new List<string>();
        foreach (var id in new[] { 1, 2 })
        {
            var node = Path.GetDirectoryName(sandbox.Config(id))!;
            var owner = FileOwner.Of(sandbox.DataDirectory(id));
            foreach (var path in PgwardFiles(node, sandbox.DataDirectory(id)))
            {
                var text = await File.ReadAllTextAsync(path, Token);
                if (text.Contains(password, StringComparison.Ordinal) || text.Contains(token, StringComparison.Ordinal))
                {
                    secretFiles.Add(path);
                    if ((File.GetUnixFileMode(path) & GroupOrOther) != 0)
                    {
                        exposed.Add($"{path} ({File.GetUnixFileMode(path)})");
                    }
                }
                if (FileOwner.Of(path) != owner)
                {
                    misowned.Add($"{path} (uid {FileOwner.Of(path)?.Uid}, data directory uid {owner?.Uid})");
                }
            }
        }

        Assert.Contains(Path.Combine(Path.GetDirectoryName(sandbox.Config(2))!, "pgward.nodes.cache"), secretFiles);
        Assert.Contains(sandbox.Config(1), secretFiles);
        Assert.True(exposed.Count == 0, "readable by others: " + string.Join(", ", exposed));
        Assert.True(misowned.Count == 0, "not owned by the server's OS user: " + string.Join(", ", misowned));
    }

    /// <summary>The node's files outside its data directory, and the top level of the data directory (where pgward
    /// writes postgresql.auto.conf and the signal files); PostgreSQL's own subdirectories are its business.</summary>
    private static IEnumerable<string> PgwardFiles(string node, string data) =>
        System.IO.Directory.EnumerateFiles(node, "*", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(data + "/", StringComparison.Ordinal) || Path.GetDirectoryName(path) == data)
            .Where(path => !path.EndsWith("postmaster.pid", StringComparison.Ordinal) && !Path.GetFileName(path).StartsWith(".s.PGSQL", StringComparison.Ordinal) && File.Exists(path));
}
