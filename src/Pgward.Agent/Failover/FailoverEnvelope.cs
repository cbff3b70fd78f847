using Pgward.Failover.Messages;

namespace Pgward.Agent.Failover;

/// <summary>The body of <c>POST /failover/message</c>: one message from one voter's agent.</summary>
public sealed record FailoverEnvelope(int From, FailoverMessage Message);
