using System.Text.Json.Serialization;

namespace Pgward.Failover.Messages;

/// <summary>A message between agents. Every message carries a term.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(Heartbeat), "heartbeat")]
[JsonDerivedType(typeof(HeartbeatReply), "heartbeat_reply")]
[JsonDerivedType(typeof(VoteRequest), "vote_request")]
[JsonDerivedType(typeof(VoteReply), "vote_reply")]
[JsonDerivedType(typeof(LeaseRelease), "lease_release")]
public abstract record FailoverMessage(long Term);
