namespace Pgward.Testing.Chaos;

/// <summary>A time span in which two primaries certainly both took writes (see <see cref="TwoPrimaryIntervals"/>).</summary>
public sealed record TwoPrimaryInterval(TimeSpan Start, TimeSpan End, PrimaryEra First, PrimaryEra Second)
{
    public override string ToString() => $"[{Start.TotalSeconds:0.000} s, {End.TotalSeconds:0.000} s] {First} and {Second}";
}
