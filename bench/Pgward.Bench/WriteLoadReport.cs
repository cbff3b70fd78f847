using System.Text.Json;

namespace Pgward.Bench;

/// <summary>What <c>write-load</c> prints: counts from <see cref="Testing.WriteLoadResult"/> and the longest write gap.</summary>
public sealed record WriteLoadReport(int Acknowledged, int Unknown, long Failed, double LongestGapMs, double DurationMs, string StoppedBy)
{
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("acknowledged", Acknowledged);
            json.WriteNumber("unknown", Unknown);
            json.WriteNumber("failed", Failed);
            json.WriteNumber("longest_gap_ms", Math.Round(LongestGapMs, 1));
            json.WriteNumber("duration_ms", Math.Round(DurationMs, 1));
            json.WriteString("stopped_by", StoppedBy);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
