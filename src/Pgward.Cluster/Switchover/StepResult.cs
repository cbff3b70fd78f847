namespace Pgward.Cluster.Switchover;

/// <summary>How one step of a switchover ended: done, or why not.</summary>
public sealed record StepResult(bool Succeeded, string? Error = null)
{
    public static readonly StepResult Ok = new(true);

    public static StepResult Fail(string error) => new(false, error);
}
