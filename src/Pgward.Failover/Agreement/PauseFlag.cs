namespace Pgward.Failover.Agreement;

/// <summary>A pause flag that in-memory stores can share.</summary>
public sealed class PauseFlag
{
    public bool IsSet { get; set; }
}
