using Pgward.Core.Reporting;

namespace Pgward.Backup.Supervision;

/// <summary>
/// One of the backup daemon's long-running loops, kept alive: it runs <paramref name="iteration"/>, waits
/// <paramref name="interval"/>, and again, until stopped. An iteration that throws, whatever the exception, or that
/// returns a problem, is reported with the wait before the next try, which doubles with each failure in a row from
/// <see cref="FirstRetry"/> to <see cref="MaximumRetry"/>; the first iteration that works after failures says so.
/// Before, the upkeep loop caught only <see cref="IOException"/>: anything else ended it in silence while the WAL
/// streaming loop ran on, and backups stopped becoming DONE and retention stopped for good.
/// </summary>
/// <param name="name">What the loop does, for the log: "WAL streaming", "backup upkeep".</param>
/// <param name="iteration">One round; returns null when it worked, else the problem.</param>
/// <param name="interval">The wait after a round that worked.</param>
public sealed class SupervisedLoop(string name, Func<CancellationToken, Task<string?>> iteration, TimeSpan interval, IReporter reporter, TimeProvider time)
{
    /// <summary>The wait after a first failure: 30 s.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between failures: 5 minutes. A round that lasted longer than this counts as a fresh start.</summary>
    public static readonly TimeSpan MaximumRetry = TimeSpan.FromMinutes(5);

    public string Name => name;

    /// <summary>Runs until <paramref name="ct"/> is cancelled; returns then, and only then.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            string? problem;
            try
            {
                problem = await iteration(ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                problem = $"{e.GetType().Name}: {e.Message}";
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            if (ct.IsCancellationRequested)
            {
                break;
            }
            if (time.GetElapsedTime(started) >= MaximumRetry)
            {
                failures = 0;
            }
            TimeSpan wait;
            if (problem is null)
            {
                if (failures > 0)
                {
                    reporter.Notice($"{name} works again after {failures} failed attempt(s)");
                }
                failures = 0;
                wait = interval;
            }
            else
            {
                failures++;
                wait = RetryDelay(failures);
                reporter.Error($"{name} failed: {problem}; retrying in {wait.TotalSeconds:0} s");
            }
            if (!await WaitAsync(wait, ct))
            {
                break;
            }
        }
    }

    /// <summary>The wait after <paramref name="failures"/> failures in a row: 30 s, 60 s, 120 s, 240 s, then 300 s.</summary>
    public static TimeSpan RetryDelay(int failures) =>
        failures >= 5 ? MaximumRetry : TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << (failures - 1), MaximumRetry.Ticks));

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
