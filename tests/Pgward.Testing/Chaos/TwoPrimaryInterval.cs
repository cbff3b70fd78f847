namespace Pgward.Testing.Chaos;

/// <summary>A time span in which two primaries certainly both took writes (see <see cref="TwoPrimaryIntervals"/>).</summary>
public sealed record TwoPrimaryInterval(TimeSpan Start, TimeSpan End, PrimaryEra First, PrimaryEra Second)
{
    /// <summary>The <c>synchronous_commit</c> of the two eras' acknowledged writes whose windows overlap the interval:
    /// says whether a second primary took only commits that did not wait for a standby or the commit lease.</summary>
    public IReadOnlyList<SynchronousCommit> Commits { get; init; } = [];

    public override string ToString() =>
        $"[{Start.TotalSeconds:0.000} s, {End.TotalSeconds:0.000} s] {First} and {Second}"
        + (Commits.Count > 0 ? $", synchronous_commit {string.Join("/", Commits.Select(c => c.Setting()))}" : "");
}
