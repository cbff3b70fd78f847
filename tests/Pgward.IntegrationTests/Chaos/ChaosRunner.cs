using System.Globalization;
using Pgward.IntegrationTests.Cluster;
using Pgward.IntegrationTests.Network;
using Pgward.Testing;
using Pgward.Testing.Chaos;

namespace Pgward.IntegrationTests.Chaos;

/// <summary>
/// One run of a scenario: a fresh networked cluster (three data nodes and a witness, each its own host), writers and a
/// reader on the client host, the seeded fault schedule played against it, each fault undone when its time is up and
/// the cluster given time to become healthy again, then every node's rows read and judged by <see cref="ChaosChecker"/>,
/// and, when the scenario has a backup server, its backups by <see cref="BackupAudit"/>.
/// </summary>
public sealed class ChaosRunner(TestDirectory directory, Action<string> log)
{
    /// <summary>How long a cluster may take to become healthy again after a fault before the run fails.</summary>
    public static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);

    private const int DataNodes = 3;

    /// <param name="duration">How long faults are drawn for; the run also takes the cluster's start (~15 s) and the
    /// final checks.</param>
    /// <param name="unsafeFaults">A deliberate break of the protocol (<c>PGWARD_UNSAFE</c>), or empty.</param>
    public async Task<ChaosRunResult> RunAsync(ChaosScenario scenario, string mode, int seed, TimeSpan duration, string unsafeFaults, CancellationToken ct)
    {
        var schedule = FaultSchedule.Create(new FaultScheduleOptions(seed, duration, scenario.Faults)
        {
            MinQuiet = TimeSpan.FromSeconds(2),
            MaxQuiet = TimeSpan.FromSeconds(6),
            Recovery = TimeSpan.FromSeconds(2),
        });
        if (schedule.Faults.Count == 0)
        {
            throw new ArgumentException($"{duration.TotalSeconds:0} s leaves no room for a fault of {scenario.Name} with seed {seed}: give a longer duration");
        }
        var name = string.Create(CultureInfo.InvariantCulture, $"{scenario.Name}-{mode}-{seed}");
        log($"--- {name}: {schedule}");
        var environment = unsafeFaults.Length > 0 ? new Dictionary<string, string> { ["PGWARD_UNSAFE"] = unsafeFaults } : [];
        await using var cluster = await NetworkCluster.StartAsync(directory, name, environment, DataNodes, witness: true,
            backup: scenario.UsesBackupServer ? scenario.BackupMethod : null, ct, $"replication_mode = {mode}");
        var nemesis = new Nemesis(cluster);
        var failovers = new List<TimeSpan>();
        var recoveries = new List<TimeSpan>();
        var problems = new List<string>();
        ChaosHistory history;
        await using (var workload = await ChaosWorkload.StartAsync(WorkloadOptions(cluster, scenario, seed), ct))
        {
            await workload.WaitForAcknowledgedAsync(50, ct);
            var start = workload.Elapsed;
            foreach (var fault in schedule.Faults)
            {
                await DelayUntilAsync(workload, start + fault.Start, ct);
                var (failover, recovery, problem) = await PlayAsync(cluster, nemesis, workload, fault, ct);
                failovers.AddRange(failover is { } f ? [f] : []);
                recoveries.AddRange(recovery is { } r ? [r] : []);
                if (problem is not null)
                {
                    problems.Add(problem);
                    break;
                }
            }
            if (problems.Count == 0)
            {
                var acknowledged = workload.Acknowledged;
                await WithinAsync(() => Task.FromResult(workload.Acknowledged >= acknowledged + 30), RecoveryLimit, ct);
            }
            history = await workload.StopAsync();
        }
        var verdict = await JudgeAsync(cluster, history, problems, ct);
        var backup = cluster.Backup is null ? null : await new BackupAudit(cluster, log).RunAsync(nemesis.Backups, ct);
        var result = new ChaosRunResult(scenario.Name, mode, seed, nemesis.Injected, verdict, failovers, recoveries)
        {
            ClusterProblems = problems,
            Backup = backup,
        };
        log(result.VerdictLine());
        if (!result.Passed)
        {
            log(cluster.Agents.Logs());
        }
        return result;
    }

    private static ChaosWorkloadOptions WorkloadOptions(NetworkCluster cluster, ChaosScenario scenario, int seed) =>
        // Load-balanced and reconnecting every 20 writes, as a pool would: a second primary that takes writes is seen.
        new(cluster.ClientConnectionString + ";Load Balance Hosts=true")
        {
            ReconnectEvery = 20,
            SynchronousCommits = scenario.WriterCommits,
            Seed = seed,
        };

    /// <summary>Injects one fault, undoes it when its time is up, then waits for a healthy cluster.</summary>
    private async Task<(TimeSpan? Failover, TimeSpan? Recovery, string? Problem)> PlayAsync(
        NetworkCluster cluster, Nemesis nemesis, ChaosWorkload workload, PlannedFault fault, CancellationToken ct)
    {
        var before = await cluster.PrimaryAsync(ct);
        var injectedAt = workload.Elapsed;
        var undo = await nemesis.InjectAsync(fault, ct);
        log(string.Create(CultureInfo.InvariantCulture, $"{injectedAt.TotalSeconds,8:0.00} s  {fault.Kind.Id()} on {nemesis.LastTarget} for {fault.Duration.TotalSeconds:0.0} s"));
        try
        {
            await DelayUntilAsync(workload, injectedAt + fault.Duration, ct);
        }
        finally
        {
            await undo();
        }
        var undoneAt = workload.Elapsed;
        log(string.Create(CultureInfo.InvariantCulture,
            $"{undoneAt.TotalSeconds,8:0.00} s  {fault.Kind.Id()} undone; acknowledged during it: {AcknowledgementSummary.Between(workload.Snapshot(), injectedAt, undoneAt)}; "
            + $"not acknowledged: {AcknowledgementSummary.FailuresBetween(workload.Snapshot(), injectedAt, undoneAt)}"));
        var after = await HealthyPrimaryWithinAsync(cluster, ct);
        if (after is null)
        {
            return (null, null, $"the cluster was not healthy {RecoveryLimit.TotalSeconds:0} s after {fault.Kind.Id()} on {nemesis.LastTarget} ended");
        }
        var recovery = workload.Elapsed - undoneAt;
        TimeSpan? failover = null;
        if (before is int old && after is int current && current != old
            && workload.Snapshot().FirstAcknowledgedAfter(injectedAt, exceptNode: cluster.HostName(old)) is { } first)
        {
            failover = first.End - injectedAt;
        }
        log(string.Create(CultureInfo.InvariantCulture,
            $"{workload.Elapsed.TotalSeconds,8:0.00} s  healthy again after {recovery.TotalSeconds:0.00} s, primary node{after}{(failover is { } f ? $", writes moved in {f.TotalSeconds:0.00} s" : "")}"));
        return (failover, recovery, null);
    }

    /// <summary>Waits until the standbys replayed all the primary wrote, then reads every data node's rows.</summary>
    private static async Task<ChaosVerdict> JudgeAsync(NetworkCluster cluster, ChaosHistory history, List<string> problems, CancellationToken ct)
    {
        var table = new ChaosTable();
        // Waited for, not read once: the last fault's aftermath (a thawed primary fenced and promoted again on a new
        // timeline, its standbys reconnecting) may still be under way when the writers stop.
        var primary = await HealthyPrimaryWithinAsync(cluster, ct);
        if (primary is null)
        {
            // Judged anyway, against a writable node if there is one, so that the report still counts what it can.
            problems.Add("no healthy cluster to judge at the end");
            var judge = await FirstWritableAsync(cluster, ct) ?? 1;
            return ChaosChecker.Check(history, cluster.HostName(judge), [await table.ReadAllAsync(cluster.ConnectionString(judge), ct)]);
        }
        // The insert position, not pg_current_wal_lsn() (the write position): a commit with synchronous_commit = off is
        // visible on the primary before the WAL writer writes it out, and a standby caught up to the write position
        // still lacked it (primary-agent-stopped:sync seed 8, a row missing on node1).
        var lsn = await Sql.ScalarAsync<string>(cluster.ConnectionString(primary.Value), "SELECT pg_current_wal_insert_lsn()::text", ct);
        foreach (var id in Enumerable.Range(1, DataNodes).Where(id => id != primary))
        {
            var replayed = await WithinAsync(async () => await Sql.ScalarAsync<bool>(cluster.ConnectionString(id),
                $"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn", ct), TimeSpan.FromSeconds(30), ct);
            if (!replayed)
            {
                problems.Add($"node{id} did not replay up to {lsn} within 30 s");
            }
        }
        var rows = await Task.WhenAll(Enumerable.Range(1, DataNodes).Select(id => table.ReadAllAsync(cluster.ConnectionString(id), ct)));
        return ChaosChecker.Check(history, cluster.HostName(primary.Value), rows);
    }

    /// <summary>The healthy cluster's primary, waited for up to <see cref="RecoveryLimit"/>; null when there is none by then.</summary>
    private static async Task<int?> HealthyPrimaryWithinAsync(NetworkCluster cluster, CancellationToken ct)
    {
        int? primary = null;
        await WithinAsync(async () => (primary = await cluster.HealthyPrimaryAsync(ct)) is not null, RecoveryLimit, ct);
        return primary;
    }

    private static async Task<int?> FirstWritableAsync(NetworkCluster cluster, CancellationToken ct)
    {
        foreach (var id in Enumerable.Range(1, DataNodes))
        {
            if (await WithinAsync(async () => !await Sql.ScalarAsync<bool>(cluster.ConnectionString(id), "SELECT pg_is_in_recovery()", ct), TimeSpan.FromSeconds(1), ct))
            {
                return id;
            }
        }
        return null;
    }

    private static async Task DelayUntilAsync(ChaosWorkload workload, TimeSpan at, CancellationToken ct)
    {
        var wait = at - workload.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, TimeProvider.System, ct);
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 200 ms (errors count as "not yet") until it holds or time is up.</summary>
    private static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan limit, CancellationToken ct)
    {
        var start = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(start) < limit)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or TimeoutException)
            {
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, ct);
        }
        return false;
    }
}
