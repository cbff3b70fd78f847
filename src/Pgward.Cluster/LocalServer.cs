using Pgward.Core;
using Pgward.Core.Postgres;

namespace Pgward.Cluster;

/// <summary>
/// pg_ctl and friends for the local node's data directory, run as the OS user that owns PostgreSQL
/// (<c>postgres</c> when pgward runs as root).
/// </summary>
public sealed class LocalServer(PgBinaries binaries, ServerAccount account, PgCtl pgCtl, string dataDirectory)
{
    public PgBinaries Binaries => binaries;
    public ServerAccount Account => account;
    public PgCtl PgCtl => pgCtl;
    public string DataDirectory => dataDirectory;

    /// <summary>Where pg_ctl writes the server log when pgward starts the server: beside the data directory.</summary>
    public string LogFile => Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(dataDirectory)) ?? dataDirectory,
        "postgresql.log");

    /// <summary>The binaries (from <c>pg_bindir</c>) and the server account, or why they cannot be used.</summary>
    public static (LocalServer? Server, Outcome Outcome) Create(OperationContext ctx)
    {
        var lookup = PgBinaries.Locate(ctx.Options.PgBindir is { Length: > 0 } dir ? dir : null);
        if (!lookup.Found)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, lookup.Problem));
        }
        var account = ServerAccount.Detect(ctx.Processes);
        if (!account.Found)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, account.Problem));
        }
        var pgCtl = new PgCtl(lookup.Binaries, account.Account.UserName, ctx.Processes, ctx.Time);
        return (new LocalServer(lookup.Binaries, account.Account, pgCtl, ctx.Options.DataDirectory), Outcome.Ok);
    }

    /// <summary>The postmaster PID serving the data directory, or null when no server runs in it.</summary>
    public int? RunningPid() => PostmasterPid.RunningPid(dataDirectory);
}
