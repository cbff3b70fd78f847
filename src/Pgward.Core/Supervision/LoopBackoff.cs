namespace Pgward.Core.Supervision;

/// <summary>How long a faulted loop waits before it runs again: <see cref="First"/> after its first fault in a row,
/// doubling up to <see cref="Longest"/>, so that a fault that persists (a full disk) neither spins nor floods the log.
/// A run that lasted at least <see cref="Longest"/> before its fault starts the doubling again.</summary>
/// <param name="First">The wait after the first fault in a row.</param>
/// <param name="Longest">The longest wait.</param>
public sealed record LoopBackoff(TimeSpan First, TimeSpan Longest)
{
    /// <summary>The agent's loops: 1 s doubling up to 30 s.</summary>
    public static readonly LoopBackoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>The wait after the <paramref name="faultsInARow"/>-th fault in a row (1 for the first).</summary>
    public TimeSpan After(int faultsInARow)
    {
        var doublings = Math.Clamp(faultsInARow - 1, 0, 16);
        var wait = First * (1L << doublings);
        return wait < Longest ? wait : Longest;
    }
}
