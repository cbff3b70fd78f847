using Pgward.Core;
using Pgward.Core.Postgres;

namespace Pgward.Cluster;

/// <summary>
/// pg_ctl and friends for the local node's data directory, run as the OS user that owns PostgreSQL
/// (<c>postgres</c> when pgward runs as root). pg_ctl is given <c>config_directory</c> when pgward.conf sets one, and
/// every start <c>pg_ctl_options</c>.
/// </summary>
public sealed class LocalServer(PgBinaries binaries, ServerAccount account, PgCtl pgCtl, ServerDirectories directories,
    PgCtlOptions? startOptions = null)
{
    private readonly PgCtlOptions startOptions = startOptions ?? PgCtlOptions.None;

    public PgBinaries Binaries => binaries;
    public ServerAccount Account => account;
    public ServerDirectories Directories => directories;
    public string DataDirectory => directories.Data;

    /// <summary>Where pg_ctl writes the server log when pgward starts the server: <c>pg_ctl_options</c>' <c>-l</c>, else
    /// <c>postgresql.log</c> beside the data directory.</summary>
    public string LogFile => startOptions.LogFile
        ?? Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(DataDirectory)) ?? DataDirectory, "postgresql.log");

    /// <summary>What <c>pg_ctl_options</c> adds to <c>pg_ctl start</c> besides the log file.</summary>
    public IReadOnlyList<string> StartArguments => startOptions.StartArguments;

    /// <summary>How long after <c>standby.signal</c> was written a start of the server comes at the earliest: 50 ms, longer
    /// than the file system's clock tick (the mtime may read up to 10 ms early) and one of the process's start time on
    /// each side. The dead-man switch leaves a postmaster that started after the file alone (it is in recovery) and
    /// cannot tell a start within 10 ms of the write: a switch left armed by a killed agent stopped the standby that
    /// <c>node rejoin</c> had just started (CI, ManualRejoinTests).</summary>
    public static readonly TimeSpan StandbySignalSeparation = TimeSpan.FromMilliseconds(50);

    /// <summary><c>pg_ctl start</c>, its output in <see cref="LogFile"/>, no sooner than <see cref="StandbySignalSeparation"/>
    /// after <c>standby.signal</c> was written; see <see cref="PgCtl.StartAsync"/>.</summary>
    public async Task<PgCtlResult> StartAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (SinceStandbySignal() is { } since && since < StandbySignalSeparation)
        {
            // The file's mtime is on the wall clock, the system's: no injected clock stands for it.
            await Task.Delay(StandbySignalSeparation - (since < TimeSpan.Zero ? TimeSpan.Zero : since), TimeProvider.System, ct);
        }
        return await pgCtl.StartAsync(directories, LogFile, timeout, ct, startOptions.StartArguments);
    }

    /// <summary>How long ago <c>standby.signal</c> was last written; null when there is none.</summary>
    private TimeSpan? SinceStandbySignal()
    {
        var signal = Path.Combine(DataDirectory, "standby.signal");
        try
        {
            return File.Exists(signal) ? TimeProvider.System.GetUtcNow() - new DateTimeOffset(File.GetLastWriteTimeUtc(signal), TimeSpan.Zero) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public Task<PgCtlResult> StopAsync(ShutdownMode mode, TimeSpan timeout, CancellationToken ct) =>
        pgCtl.StopAsync(directories, mode, timeout, ct);

    public Task<PgCtlResult> ReloadAsync(CancellationToken ct) => pgCtl.ReloadAsync(directories, ct);

    public Task<PgCtlResult> PromoteAsync(TimeSpan timeout, CancellationToken ct) => pgCtl.PromoteAsync(directories, timeout, ct);

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
        var options = ctx.Options;
        var config = options.ConfigDirectory is { Length: > 0 } directory ? directory : null;
        if (config is not null && !File.Exists(Path.Combine(config, "postgresql.conf")))
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"config_directory \"{config}\" holds no postgresql.conf",
                hint: "config_directory names the directory of the server's postgresql.conf when it is outside the data directory "
                    + "(Debian: /etc/postgresql/15/main); leave it unset when postgresql.conf is in data_directory"));
        }
        // Read when pgward.conf was loaded, which refuses what cannot be used.
        var (startOptions, problem) = PgCtlOptions.Parse(options.PgCtlOptions);
        if (problem is not null)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"pg_ctl_options {problem}"));
        }
        var pgCtl = new PgCtl(lookup.Binaries, account.Account.UserName, ctx.Processes, ctx.Time);
        return (new LocalServer(lookup.Binaries, account.Account, pgCtl, new ServerDirectories(options.DataDirectory, config), startOptions),
            Outcome.Ok);
    }

    /// <summary>The postmaster PID serving the data directory, or null when no server runs in it.</summary>
    public int? RunningPid() => PostmasterPid.RunningPid(DataDirectory);
}
