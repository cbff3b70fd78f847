using System.Diagnostics;
using System.Globalization;
using Pgward.Core.Postgres;
using Pgward.Testing;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>A data directory's postmaster and its children, as OS processes: for kill -9 and SIGSTOP.</summary>
public static class Postmaster
{
    /// <summary>kill -9 on the postmaster only, then wait until it and the children it left are gone, and remove the
    /// shared memory segments they mapped (<see cref="DsmSegments"/>).</summary>
    public static async Task KillAsync(string dataDirectory, CancellationToken ct)
    {
        var pid = PostmasterPid.Read(dataDirectory) ?? throw new InvalidOperationException($"no postmaster.pid in {dataDirectory}");
        var children = ChildPids(pid);
        var segments = DsmSegments.MappedBy(children.Append(pid));
        using (var postmaster = Process.GetProcessById(pid))
        {
            postmaster.Kill();
        }
        await Sql.WaitUntilAsync(() => Task.FromResult(children.Append(pid).All(p => !PostmasterPid.ProcessAlive(p))), ct);
        DsmSegments.Remove(segments);
        // Then until it is reaped, for a while: PostgreSQL's lock file check (kill(pid, 0)) takes a zombie for a running
        // postmaster, and a start right after the kill refused with "lock file postmaster.pid already exists"
        // (repeated-failovers:sync seed 124). This machine's init reaps orphans, but not at once.
        using var reaping = CancellationTokenSource.CreateLinkedTokenSource(ct);
        reaping.CancelAfter(ReapWait);
        try
        {
            await Sql.WaitUntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), reaping.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
    }

    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(10);

    /// <summary>The running postmaster and its children.</summary>
    public static IReadOnlyList<int> Pids(string dataDirectory)
    {
        var pid = PostmasterPid.RunningPid(dataDirectory) ?? throw new InvalidOperationException($"no server runs on {dataDirectory}");
        return [pid, .. ChildPids(pid)];
    }

    private static List<int> ChildPids(int parent) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentPid(pid) == parent)];

    private static int? ParentPid(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ...", comm may hold spaces: split after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
