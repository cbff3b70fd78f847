namespace Pgward.Core.Supervision;

/// <summary>How long a faulted loop waits before it runs again: 1 s after its first fault in a row, doubling up to
/// 30 s, so that a fault that persists (a full disk) neither spins nor floods the log.</summary>
public static class LoopBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    /// <summary>The wait after the <paramref name="faultsInARow"/>-th fault in a row (1 for the first).</summary>
    public static TimeSpan After(int faultsInARow)
    {
        var doublings = Math.Clamp(faultsInARow - 1, 0, 16);
        var wait = First * (1L << doublings);
        return wait < Longest ? wait : Longest;
    }
}
