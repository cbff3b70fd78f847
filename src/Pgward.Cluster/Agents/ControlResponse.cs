namespace Pgward.Cluster.Agents;

/// <summary>The answer of every <c>POST /control/...</c> endpoint: whether the action worked, and if not why and what to do.</summary>
/// <param name="Restored">After <c>recover</c>: what the pull fetched and kept.</param>
/// <param name="CheckpointLsn">After <c>stop</c>: where the server's last (shutdown) checkpoint is, from pg_controldata.</param>
public sealed record ControlResponse(bool Ok, int ExitCode, string? Error = null, string? Hint = null, string? CheckpointLsn = null,
    Backups.RestorePullResult? Restored = null)
{
    public static ControlResponse From(Outcome outcome) =>
        new(outcome.Succeeded, outcome.ExitCode, outcome.Error is { } e && outcome.Detail is { } d ? $"{e}: {d}" : outcome.Error, outcome.Hint);
}
