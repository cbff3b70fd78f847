namespace Pgward.Agent.Dashboard;

/// <summary>
/// The dashboard's state, gathered at most once per <see cref="MaxAge"/> however many pages poll it: a request
/// within that age gets the last state, a later one joins the refresh under way or starts one. A refresh that takes
/// longer than <see cref="MaxWait"/> (a node that hangs its connection) leaves the caller with the last state rather
/// than a page that stops updating.
/// </summary>
public sealed class DashboardStateCache(Func<CancellationToken, Task<DashboardState>> refresh, TimeProvider time, CancellationToken agentStopping)
{
    /// <summary>How long a gathered state is served as is: 800 ms, below the page's 1 s poll, so each poll sees a new one.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(800);

    /// <summary>How long a request waits for a refresh before it takes the last state: 2 s.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(2);

    private readonly Lock gate = new();
    private DashboardState? last;
    private DateTimeOffset lastStarted;
    // The refresh under way, awaited by every request that came while it runs; whoever finds it finished starts the next.
    private Task<DashboardState>? running;

    /// <summary>The newest state; null only before the first refresh finished within <see cref="MaxWait"/>.</summary>
    public async Task<DashboardState?> GetAsync(CancellationToken ct)
    {
        Task<DashboardState> refreshing;
        lock (gate)
        {
            if (last is not null && time.GetUtcNow() - lastStarted < MaxAge)
            {
                return last;
            }
            refreshing = running ??= RefreshAsync(time.GetUtcNow());
        }
        try
        {
            return await refreshing.WaitAsync(MaxWait, time, ct);
        }
        catch (TimeoutException)
        {
            lock (gate)
            {
                return last;
            }
        }
    }

    private async Task<DashboardState> RefreshAsync(DateTimeOffset started)
    {
        try
        {
            await Task.Yield();
            var state = await refresh(agentStopping);
            lock (gate)
            {
                (last, lastStarted) = (state, started);
            }
            return state;
        }
        finally
        {
            lock (gate)
            {
                running = null;
            }
        }
    }
}
