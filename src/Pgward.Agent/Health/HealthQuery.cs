using Pgward.Core.Config;

namespace Pgward.Agent.Health;

/// <summary>The query string of a health check: <c>?lag=16MB</c> (bytes, or a number with kB, MB, GB, TB).</summary>
public sealed record HealthQuery(long? MaxLagBytes)
{
    public static readonly HealthQuery None = new(MaxLagBytes: null);

    /// <summary>Reads <c>lag</c>; an unreadable or negative value is an error (the check answers 400).</summary>
    public static bool TryParse(string? lag, out HealthQuery query, out string? error)
    {
        query = None;
        error = null;
        if (string.IsNullOrWhiteSpace(lag))
        {
            return true;
        }
        if (!ConfigValues.TryParseSize(lag.Trim(), out var bytes) || bytes < 0)
        {
            error = $"invalid lag \"{lag}\": give bytes, or a number with kB, MB, GB or TB (e.g. 16MB)";
            return false;
        }
        query = new HealthQuery(bytes);
        return true;
    }
}
