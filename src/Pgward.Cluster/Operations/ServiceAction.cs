namespace Pgward.Cluster.Operations;

/// <summary>What <c>pgward node service --action=...</c> does to the local PostgreSQL server.</summary>
public enum ServiceAction
{
    Start,
    Stop,
    Restart,
    Reload,
    Promote,
}
