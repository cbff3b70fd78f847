namespace Pgward.Failover.Agreement;

/// <summary>Keeps the voter state in memory: survives a simulated agent restart when the same instance is reused.
/// The pause flag can be shared by several stores to model one cluster-wide flag.</summary>
public sealed class InMemoryAgreementStore(PauseFlag? pause = null) : IAgreementStore
{
    private readonly PauseFlag pause = pause ?? new PauseFlag();
    private VoterState state = VoterState.Initial;

    public int Saves { get; private set; }

    public VoterState Load() => state;

    public void Save(VoterState state)
    {
        this.state = state;
        Saves++;
    }

    public bool IsPaused => pause.IsSet;

    public void SetPaused(bool paused) => pause.IsSet = paused;
}
