namespace Pgward.Cluster.Switchover;

/// <summary>How one step of a switchover ended: done, or why not. <paramref name="Refused"/>: the agent refused the
/// request before acting (its token check), so the step changed nothing.</summary>
public sealed record StepResult(bool Succeeded, string? Error = null, bool Refused = false)
{
    public static readonly StepResult Ok = new(true);

    public static StepResult Fail(string error) => new(false, error);
}
