namespace Pgward.Testing.Chaos;

/// <summary>The <c>synchronous_commit</c> values of <see cref="SynchronousCommit"/>, as <c>SET</c> and reports spell them.</summary>
public static class SynchronousCommits
{
    /// <summary>Every setting, for writers that mix them.</summary>
    public static IReadOnlyList<SynchronousCommit> All { get; } = [SynchronousCommit.On, SynchronousCommit.Local, SynchronousCommit.Off];

    public static string Setting(this SynchronousCommit value) => value switch
    {
        SynchronousCommit.On => "on",
        SynchronousCommit.Local => "local",
        SynchronousCommit.Off => "off",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "no such synchronous_commit"),
    };

    /// <summary>Whether a commit waits for a synchronous standby, or in async mode for the commit lease: only such a
    /// commit is held back by what pgward sets up, so only its loss is a failure.</summary>
    public static bool WaitsForStandby(this SynchronousCommit value) => value == SynchronousCommit.On;
}
