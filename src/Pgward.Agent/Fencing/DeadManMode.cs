namespace Pgward.Agent.Fencing;

/// <summary>What the agent asks of its dead-man switch.</summary>
public enum DeadManMode
{
    /// <summary>The local server is not a primary that could take writes: nothing to watch.</summary>
    Disarmed = 0,

    /// <summary>Stop the server the instant the deadline passes, unless the agent moves it on first.</summary>
    Armed = 1,

    /// <summary>The agent stopped cleanly and left nothing to guard: the switch ends.</summary>
    Exit = 2,
}
