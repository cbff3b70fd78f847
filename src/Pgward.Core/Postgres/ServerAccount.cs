using Pgward.Core.Processes;

namespace Pgward.Core.Postgres;

/// <summary>The OS user that runs PostgreSQL binaries. PostgreSQL refuses to run as root, so a privileged pgward
/// runs them as <see cref="DefaultServerUser"/>; otherwise they run as the current user (<see cref="UserName"/> null).</summary>
public sealed class ServerAccount(string? userName, IProcessRunner runner)
{
    public const string DefaultServerUser = "postgres";

    /// <summary>User to pass as <see cref="ProcessRequest.RunAs"/>; null means the current user.</summary>
    public string? UserName { get; } = userName;

    /// <summary>Picks the account for this process: <c>postgres</c> when privileged (it must exist), else the current user.</summary>
    public static ServerAccountLookup Detect(IProcessRunner runner, string passwdFile = "/etc/passwd")
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return new ServerAccountLookup(new ServerAccount(null, runner), null);
        }

        var passwd = File.Exists(passwdFile) ? File.ReadAllLines(passwdFile) : [];
        return UserExists(passwd, DefaultServerUser)
            ? new ServerAccountLookup(new ServerAccount(DefaultServerUser, runner), null)
            : new ServerAccountLookup(null,
                $"pgward runs as root, and PostgreSQL refuses to run as root, so its binaries run as the OS user "
                + $"'{DefaultServerUser}', which does not exist ({passwdFile}). Install postgresql-15 (it creates the user) "
                + "or run pgward as the user that owns the data directory.");
    }

    /// <summary>Whether an /etc/passwd-format listing has <paramref name="user"/>.</summary>
    public static bool UserExists(IEnumerable<string> passwdLines, string user) => Entry(passwdLines, user) is not null;

    /// <summary>The login group (gid) of <paramref name="user"/> in an /etc/passwd-format listing; null when it has none.</summary>
    public static uint? LoginGroup(IEnumerable<string> passwdLines, string user) =>
        Entry(passwdLines, user) is { Length: > 3 } fields
            && uint.TryParse(fields[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var gid)
            ? gid
            : null;

    private static string[]? Entry(IEnumerable<string> passwdLines, string user) =>
        passwdLines.FirstOrDefault(line => line.StartsWith(user + ":", StringComparison.Ordinal))?.Split(':');

    /// <summary>Creates <paramref name="path"/> (and parents) and gives it, recursively, to this account.</summary>
    public async Task<ProcessResult?> CreateOwnedDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(path);
        return await ChownAsync(path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives <paramref name="path"/> recursively to this account; null (nothing to do) when running as the
    /// current user, else the chown result.</summary>
    public async Task<ProcessResult?> ChownAsync(string path, CancellationToken cancellationToken)
    {
        if (!ProcessRunner.SwitchesUser(UserName))
        {
            return null;
        }

        // "user:" sets the group to the user's login group.
        var request = new ProcessRequest("chown", ["-R", UserName + ":", path]) { Timeout = TimeSpan.FromSeconds(30) };
        return await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether this account can enter <paramref name="directory"/> (which needs search permission on every
    /// parent); null when it can, else the reason.</summary>
    public async Task<string?> CheckTraversableAsync(string directory, CancellationToken cancellationToken)
    {
        var request = new ProcessRequest("test", ["-x", directory]) { RunAs = UserName, Timeout = TimeSpan.FromSeconds(10) };
        var result = await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? null
            : $"OS user '{UserName ?? Environment.UserName}' cannot enter {directory}: it or a parent directory "
              + "does not exist or lacks search (x) permission for that user.";
    }
}
