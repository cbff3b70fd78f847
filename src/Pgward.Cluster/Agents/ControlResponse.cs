namespace Pgward.Cluster.Agents;

/// <summary>The answer of every <c>POST /control/...</c> endpoint: whether the action worked, and if not why and what to do.</summary>
public sealed record ControlResponse(bool Ok, int ExitCode, string? Error = null, string? Hint = null)
{
    public static ControlResponse From(Outcome outcome) =>
        new(outcome.Succeeded, outcome.ExitCode, outcome.Error is { } e && outcome.Detail is { } d ? $"{e}: {d}" : outcome.Error, outcome.Hint);
}
