using Pgward.Failover.Messages;

namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>Something in flight between two nodes: an agent message, or WAL and its flush feedback.</summary>
public abstract record SimMessage(int From, int To);

public sealed record AgentMessage(int From, int To, FailoverMessage Message) : SimMessage(From, To);

public sealed record WalData(int From, int To, int Timeline, ulong Lsn) : SimMessage(From, To);

public sealed record WalFlushed(int From, int To, int Timeline, ulong Lsn) : SimMessage(From, To);
