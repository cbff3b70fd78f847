using System.Text.Json;

namespace Pgward.Bench;

/// <summary>What <c>failover-load</c> prints: the write counts and the <see cref="FailoverTimeline"/>, as one JSON object.</summary>
public sealed record FailoverReport(int Acknowledged, int Unknown, long Failed, FailoverTimeline? Timeline, string StoppedBy)
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
            WriteOptional(json, "old_port", Timeline?.OldPort);
            WriteOptional(json, "new_port", Timeline?.FirstOnNewPrimary?.Port);
            WriteOptional(json, "kill_to_first_write_ms", Timeline?.KillToFirstWriteMs is { } ms ? Math.Round(ms, 1) : null);
            json.WriteNumber("acknowledged_after_first", Timeline?.AcknowledgedAfterFirst ?? 0);
            json.WriteStartArray("old_primary_after_kill");
            foreach (var id in Timeline?.OldPrimaryAfterKill ?? [])
            {
                json.WriteNumberValue(id);
            }
            json.WriteEndArray();
            json.WriteNumber("longest_gap_ms", Math.Round(Timeline?.LongestGapMs ?? 0, 1));
            json.WriteString("stopped_by", StoppedBy);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
