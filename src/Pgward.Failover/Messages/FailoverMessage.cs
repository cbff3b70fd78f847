namespace Pgward.Failover.Messages;

/// <summary>A message between agents. Every message carries a term.</summary>
public abstract record FailoverMessage(long Term);
