using Pgward.Cluster;
using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>What the failover loop handles, one at a time.</summary>
internal abstract record FailoverInput
{
    public sealed record Tick : FailoverInput;

    /// <param name="Reply">Where the reply goes when the request that brought the message carries it back; null: as a message.</param>
    public sealed record Message(int From, FailoverMessage Body, InlineReply? Reply = null) : FailoverInput;

    /// <summary>An operator's promotion (through <c>POST /control/promote</c>); completed when it is done or refused.</summary>
    public sealed record PromoteRequest(TaskCompletionSource<Outcome> Done) : FailoverInput;

    /// <summary>The local primary was stopped through the agent: release its lease; with <paramref name="ElectNow"/>, for a
    /// handover, so that the standbys stand at once.</summary>
    public sealed record Release(bool ElectNow = false) : FailoverInput;
}
