namespace Pgward.Failover;

/// <summary>
/// Deliberate breaks of the safety protocol, so that the fault-injection suite can prove its checker sees the split
/// brain and the lost writes they cause. Set only through the <c>PGWARD_UNSAFE</c> environment variable of an agent
/// (never from pgward.conf); an agent running with any of them says so in its log at start.
/// </summary>
[Flags]
public enum SafetyFaults
{
    None = 0,

    /// <summary>A primary that loses its majority keeps taking writes (what repmgrd does).</summary>
    NoFencing = 1,

    /// <summary>A candidate needs only its own vote: a standby cut off from the others promotes itself.</summary>
    NoQuorum = 2,
}
