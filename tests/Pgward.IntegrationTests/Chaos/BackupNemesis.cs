using System.Globalization;
using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Network;
using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// The faults of a cluster's backup server (<see cref="NetworkCluster.Backup"/>): its death while it streams WAL, its
/// death partway through a base backup, its archive's disk full. It keeps every base backup a fault started, so that
/// the end of the run can ask how each one ended (<see cref="FinishAsync"/>).
/// </summary>
public sealed class BackupNemesis(NetworkCluster cluster)
{
    /// <summary>How long a started base backup may take to begin copying before the fault goes on without it.</summary>
    private static readonly TimeSpan CopyStartLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long a base backup that was not killed may still take at the end of the run: it waits up to 60 s
    /// for its WAL (backup create --wait).</summary>
    private static readonly TimeSpan FinishLimit = TimeSpan.FromSeconds(90);

    private readonly List<(string Fault, BackgroundCommand Command, bool Killed)> started = [];

    /// <summary>How many times the ballast was updated: which of its rows the next update takes.</summary>
    private int touches;

    /// <summary>What the last fault did, for the run's log.</summary>
    public string LastTarget { get; private set; } = "";

    private BackupHost Backup => cluster.Backup ?? throw new ArgumentException("this scenario's cluster has no backup server: start it with backup: true");

    public async Task<Func<Task>> InjectAsync(PlannedFault fault, CancellationToken ct)
    {
        switch (fault.Kind)
        {
            case FaultKind.KillBackupServer:
                // The daemon is streaming WAL whenever the server is up: this is the kill during streaming.
                await KillAsync();
                LastTarget = BackupHost.HostName;
                return RestartAsync;
            case FaultKind.KillBaseBackup:
                var copying = await StartCopyingAsync(fault, ct);
                await KillAsync();
                LastTarget = $"{BackupHost.HostName} ({copying})";
                return RestartAsync;
            case FaultKind.FillArchiveDisk:
                var filler = await Backup.Disk.FillAsync(ct);
                // The workload writes little WAL: a segment closed now must be archived (compressed into wals/) while
                // the disk is full, not only appended to streaming/'s .partial.
                var switched = await SwitchWalAsync(ct);
                LastTarget = string.Create(CultureInfo.InvariantCulture,
                    $"{BackupHost.HostName} (archive disk full: {filler >> 20} MiB of filler, {Backup.Disk.AvailableBytes} bytes left; {switched})");
                return () => Task.Run(Backup.Disk.Free, ct);
            default:
                throw new ArgumentException($"{fault.Kind.Id()} is not a backup server fault");
        }
    }

    /// <summary>
    /// Starts <c>backup create --wait</c> on the backup server and returns once pg_basebackup has written its first
    /// bytes (or the command ended, or 30 s passed): the moment a fault must strike to hit a base backup in flight.
    /// Says how far it got.
    /// </summary>
    public async Task<string> StartCopyingAsync(PlannedFault fault, CancellationToken ct)
    {
        var touched = Backup.Method == BackupMethods.Files ? await TouchBallastAsync(ct) + "; " : "";
        var command = Backup.StartBaseBackup();
        started.Add((string.Create(CultureInfo.InvariantCulture, $"{fault.Kind.Id()} at {fault.Start.TotalSeconds:0.0} s"), command, false));
        var begin = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(begin) < CopyStartLimit)
        {
            if (command.HasExited)
            {
                return $"{touched}the base backup had already ended: exit {(await command.Completion).ExitCode}";
            }
            if (BackupHost.BackupIdIn(command.Output) is { } id && Backup.CopiedBytes(id) is > 0 and var copied)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{touched}base backup {id} copying, {copied >> 10} kB written");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, ct);
        }
        return $"{touched}the base backup had not started copying after {CopyStartLimit.TotalSeconds:0} s";
    }

    /// <summary>Before an incremental files backup: a few rows of the ballast changed on the primary, other rows each
    /// time, so that the backup stores block patches (<see cref="BackupBallast"/>).</summary>
    public async Task<string> TouchBallastAsync(CancellationToken ct) =>
        await cluster.PrimaryAsync(ct) is { } primary
            ? await BackupBallast.TouchAsync(cluster.ConnectionString(primary), touches++, ct)
            : "no primary to update the ballast on";

    /// <summary>Waits for the base backups still running (each within 90 s) and says how each ended.</summary>
    public async Task<IReadOnlyList<BaseBackupAttempt>> FinishAsync(CancellationToken ct)
    {
        var attempts = new List<BaseBackupAttempt>();
        foreach (var (fault, command, killed) in started)
        {
            var run = killed ? null : await command.WaitAsync(FinishLimit, ct);
            attempts.Add(new BaseBackupAttempt(fault, killed, run?.ExitCode, BackupHost.BackupIdIn(command.Output)));
        }
        return attempts;
    }

    /// <summary>pg_switch_wal() on the primary; says what it did.</summary>
    private async Task<string> SwitchWalAsync(CancellationToken ct)
    {
        if (await cluster.PrimaryAsync(ct) is not { } primary)
        {
            return "no primary to switch WAL on";
        }
        try
        {
            return $"WAL switched at {await Sql.ScalarAsync<string>(cluster.ConnectionString(primary), "SELECT pg_switch_wal()::text", ct)}";
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            return $"pg_switch_wal failed: {e.Message}";
        }
    }

    /// <summary>kill -9 of the daemon and of any base backup in flight: the backup server's host died.</summary>
    private async Task KillAsync()
    {
        for (var i = 0; i < started.Count; i++)
        {
            if (!started[i].Command.HasExited)
            {
                started[i] = started[i] with { Killed = true };
            }
        }
        await Backup.KillAsync();
    }

    private Task RestartAsync()
    {
        Backup.StartDaemon();
        return Task.CompletedTask;
    }
}
