namespace Pgward.Failover;

/// <summary>repmgr's <c>failover</c> setting for one node.</summary>
public enum FailoverMode
{
    Automatic,
    Manual,
}
