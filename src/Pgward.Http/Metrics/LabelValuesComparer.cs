namespace Pgward.Http.Metrics;

/// <summary>Compares label values by content, for the set of series a scrape reported.</summary>
internal sealed class LabelValuesComparer : IEqualityComparer<string[]>
{
    public static readonly LabelValuesComparer Instance = new();

    public bool Equals(string[]? x, string[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(string[] obj)
    {
        var hash = new HashCode();
        foreach (var value in obj)
        {
            hash.Add(value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}
