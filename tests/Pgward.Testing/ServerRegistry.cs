using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.Loader;
using Pgward.Core.Postgres;

namespace Pgward.Testing;

/// <summary>Every server data directory a test run may have started. Teardown stops them; a process-exit hook
/// stops whatever is still tracked, so no test leaves a server running.</summary>
public static class ServerRegistry
{
    private static readonly TimeSpan PgCtlStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly ConcurrentDictionary<string, byte> Tracked = new();
    private static int _exitHooked;

    /// <summary>Data directories currently tracked.</summary>
    public static IReadOnlyCollection<string> DataDirectories => [.. Tracked.Keys];

    /// <summary>Registers a data directory whose server was (or is about to be) started, e.g. a standby a test
    /// made with pg_basebackup and started itself. Call it before starting the server.</summary>
    public static void Track(string dataDirectory)
    {
        if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllOnExit();
            AssemblyLoadContext.Default.Unloading += _ => StopAllOnExit();
        }

        Tracked.TryAdd(Path.GetFullPath(dataDirectory), 0);
    }

    /// <summary>Stops the server on <paramref name="dataDirectory"/> (pg_ctl stop, then SIGKILL of the postmaster
    /// if it outlives pg_ctl) and untracks it once it is gone. Returns null, or what went wrong.</summary>
    public static async Task<string?> StopAsync(string dataDirectory, ShutdownMode mode, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(dataDirectory);
        var pid = PostmasterPid.Read(fullPath);
        var stop = await PgTestEnvironment.Require().PgCtl
            .StopAsync(new(fullPath), mode, PgCtlStopTimeout, cancellationToken).ConfigureAwait(false);
        if (pid is null || await ExitedAsync(pid.Value, fullPath, cancellationToken).ConfigureAwait(false))
        {
            Tracked.TryRemove(fullPath, out _);
            return null;
        }

        if (CommandLine(pid.Value) is { } args && args.Contains(fullPath))
        {
            Kill(pid.Value);
        }

        if (await ExitedAsync(pid.Value, fullPath, cancellationToken).ConfigureAwait(false))
        {
            Tracked.TryRemove(fullPath, out _);
            return $"{fullPath}: postmaster {pid} outlived pg_ctl stop and was killed ({stop.Describe()})";
        }

        return $"{fullPath}: postmaster {pid} is still alive after pg_ctl stop and SIGKILL ({stop.Describe()})";
    }

    /// <summary>Stops every tracked server whose data directory is under <paramref name="underDirectory"/>
    /// (all when null), immediately. One failure never skips the others; all problems are returned.</summary>
    public static async Task<IReadOnlyList<string>> StopAllAsync(string? underDirectory, CancellationToken cancellationToken)
    {
        var prefix = underDirectory is null ? null : Path.GetFullPath(underDirectory).TrimEnd('/') + "/";
        var problems = new List<string>();
        foreach (var dataDirectory in Tracked.Keys.Where(d => prefix is null || d.StartsWith(prefix, StringComparison.Ordinal)))
        {
            try
            {
                if (await StopAsync(dataDirectory, ShutdownMode.Immediate, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    problems.Add(problem);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add($"{dataDirectory}: {e}");
            }
        }

        return problems;
    }

    private static async Task<bool> ExitedAsync(int pid, string dataDirectory, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var start = time.GetTimestamp();
        while (MayBePostmasterOf(pid, dataDirectory))
        {
            if (time.GetElapsedTime(start) > ExitWait)
            {
                return false;
            }

            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    // A stale postmaster.pid may name a PID that now belongs to another process: only a process whose command line
    // names this data directory is ours (pg_ctl starts "postgres -D DATADIR"). A dying process has an empty command
    // line before it becomes a zombie; it still counts as alive until then.
    private static bool MayBePostmasterOf(int pid, string dataDirectory)
    {
        if (!PostmasterPid.ProcessAlive(pid))
        {
            return false;
        }

        var args = CommandLine(pid);
        return args is null || args.Length == 0 || args.Contains(dataDirectory);
    }

    private static string[]? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(); // SIGKILL on Unix.
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Gone between the check and the kill.
        }
    }

    private static void StopAllOnExit()
    {
        if (Tracked.IsEmpty)
        {
            return;
        }

        var problems = StopAllAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"ServerRegistry (process exit): {problem}");
        }
    }
}
