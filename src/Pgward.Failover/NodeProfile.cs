namespace Pgward.Failover;

/// <summary>What the configuration says about the node an agent runs on.</summary>
/// <param name="Id">The node_id; lower wins a tie between equally advanced candidates of equal priority.</param>
/// <param name="IsWitness">A witness votes but never holds data and is never promoted.</param>
/// <param name="Priority">repmgr's <c>priority</c>; 0 means never promote this node. Default 100.</param>
/// <param name="Failover"><c>failover = automatic | manual</c>; only automatic nodes stand for election.</param>
/// <param name="LocationAllowed">False when the node is outside the primary's <c>location</c> and that is not
/// configured as allowed.</param>
public sealed record NodeProfile(
    int Id,
    bool IsWitness = false,
    int Priority = 100,
    FailoverMode Failover = FailoverMode.Automatic,
    bool LocationAllowed = true)
{
    /// <summary>Whether this node may ever stand for election.</summary>
    public bool CanStand => !IsWitness && Priority > 0 && Failover == FailoverMode.Automatic && LocationAllowed;

    public static NodeProfile Witness(int id) => new(id, IsWitness: true, Priority: 0);
}
