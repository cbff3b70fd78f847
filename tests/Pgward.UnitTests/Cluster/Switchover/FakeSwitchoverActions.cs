using Pgward.Cluster.Switchover;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;

namespace Pgward.UnitTests.Cluster.Switchover;

/// <summary>Records the steps taken; a step named in <see cref="Failing"/> fails.</summary>
internal sealed class FakeSwitchoverActions : ISwitchoverActions
{
    public HashSet<string> Failing { get; } = [];
    public List<string> Steps { get; } = [];
    public List<(string Event, bool Success, string Details)> Events { get; } = [];

    /// <summary>The primary's agent refuses the stop before acting (a wrong agent_token).</summary>
    public bool StopRefused { get; set; }

    public Task<(StepResult Result, Lsn ShutdownCheckpoint)> StopPrimaryAsync(CancellationToken ct) =>
        Task.FromResult((StopRefused ? new StepResult(false, "wrong token", Refused: true) : Step("stop"), new Lsn(0x6000028)));

    public Task<StepResult> WaitUntilCandidateReceivedAsync(Lsn lsn, CancellationToken ct) => Task.FromResult(Step($"wait {lsn}"));

    public Task<StepResult> PromoteCandidateAsync(CancellationToken ct) => Task.FromResult(Step("promote"));

    public Task<StepResult> UpdateMetadataAsync(CancellationToken ct) => Task.FromResult(Step("metadata"));

    /// <summary>What <see cref="FindPrimaryAfterFailedPromotionAsync"/> finds.</summary>
    public NodeRecord? PrimaryAfterFailedPromotion { get; set; }

    public Task<StepResult> RejoinOldPrimaryAsync(NodeRecord primary, Lsn? receivedCheckpoint, CancellationToken ct) =>
        Task.FromResult(Step(receivedCheckpoint is { } seen ? $"rejoin {primary.NodeName} received {seen}" : $"rejoin {primary.NodeName}"));

    public Task<NodeRecord?> FindPrimaryAfterFailedPromotionAsync(CancellationToken ct)
    {
        Steps.Add("find primary");
        return Task.FromResult(PrimaryAfterFailedPromotion);
    }

    /// <summary>What each look of <see cref="FindWritableStandbyAsync"/> finds, in order; none once they are used up.</summary>
    public Queue<NodeRecord?> WritableStandbys { get; } = new();

    public Task<NodeRecord?> FindWritableStandbyAsync(CancellationToken ct)
    {
        Steps.Add("look");
        return Task.FromResult(WritableStandbys.TryDequeue(out var found) ? found : null);
    }

    public Task<StepResult> FollowNewPrimaryAsync(NodeRecord sibling, CancellationToken ct) => Task.FromResult(Step($"follow {sibling.NodeName}"));

    public Task<StepResult> RestartOldPrimaryAsync(CancellationToken ct) => Task.FromResult(Step("restart"));

    public Task RecordAsync(string eventName, bool success, string details, CancellationToken ct)
    {
        Events.Add((eventName, success, details));
        return Task.CompletedTask;
    }

    private StepResult Step(string name)
    {
        Steps.Add(name);
        return Failing.Any(name.StartsWith) ? StepResult.Fail($"{name} broke") : StepResult.Ok;
    }
}
