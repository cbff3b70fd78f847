using Pgward.Failover.Messages;

namespace Pgward.Failover.Actions;

/// <summary>Send a message to another voter's agent (best effort: loss is tolerated).</summary>
public sealed record Send(int To, FailoverMessage Message) : FailoverAction;
