namespace Pgward.Failover.Actions;

/// <summary>A decision of <see cref="FailoverNode"/>, carried out by the host.</summary>
public abstract record FailoverAction;
