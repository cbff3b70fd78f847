namespace Pgward.Cluster.Timelines;

/// <summary>Whether a standby can stream from an upstream without rewinding, and why not when it cannot.</summary>
public sealed record FollowVerdict(bool CanFollow, string? Reason)
{
    public static readonly FollowVerdict Yes = new(true, null);

    public static FollowVerdict No(string reason) => new(false, reason);
}
