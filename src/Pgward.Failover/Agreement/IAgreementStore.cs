namespace Pgward.Failover.Agreement;

/// <summary>
/// The one seam for agreement: where a voter keeps its term, its vote and the known primary of that term, and
/// where the cluster-wide pause flag lives. The built-in stores keep one voter's state on its own node; an
/// implementation over a consensus store (etcd) can replace them without touching monitoring, election or
/// fencing.
/// </summary>
public interface IAgreementStore
{
    /// <summary>The state last saved, or <see cref="VoterState.Initial"/>.</summary>
    VoterState Load();

    /// <summary>Saves durably: when this returns, a crash cannot bring back an older state. A vote is sent only
    /// after its state is saved, so a restarted voter never votes twice in one term.</summary>
    void Save(VoterState state);

    /// <summary>Whether the cluster is paused: no elections, promotions, follows or rejoins.</summary>
    bool IsPaused { get; }

    /// <summary>Sets the pause flag (durably).</summary>
    void SetPaused(bool paused);
}
