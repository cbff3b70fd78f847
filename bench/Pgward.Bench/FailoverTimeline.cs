namespace Pgward.Bench;

/// <summary>
/// What the acknowledged writes of a load say about a failover, given the time the primary was killed (µs since the
/// Unix epoch, the script's clock): which server acknowledged writes before the kill, and when another first did.
/// </summary>
/// <param name="OldPort">The port of the last write acknowledged before the kill: the primary that was killed.</param>
/// <param name="FirstOnNewPrimary">The first write acknowledged after the kill by another server, if any.</param>
/// <param name="AcknowledgedAfterFirst">Writes acknowledged after that first one (the tail).</param>
/// <param name="OldPrimaryAfterKill">Ids of the writes the old port acknowledged after the kill (answers already on their way, or a primary that did not die).</param>
/// <param name="LongestGapMs">The longest time between two consecutive acknowledged writes.</param>
public sealed record FailoverTimeline(int? OldPort, AcknowledgedWrite? FirstOnNewPrimary, int AcknowledgedAfterFirst,
    IReadOnlyList<long> OldPrimaryAfterKill, double LongestGapMs, long KillMicros)
{
    public double? KillToFirstWriteMs => FirstOnNewPrimary is { } first ? (first.AtMicros - KillMicros) / 1000.0 : null;

    public static FailoverTimeline Analyse(IReadOnlyList<AcknowledgedWrite> acknowledged, long killMicros)
    {
        int? oldPort = null;
        var firstIndex = -1;
        var oldAfterKill = new List<long>();
        for (var i = 0; i < acknowledged.Count; i++)
        {
            var write = acknowledged[i];
            if (write.AtMicros <= killMicros)
            {
                oldPort = write.Port;
            }
            else if (write.Port == oldPort)
            {
                oldAfterKill.Add(write.Id);
            }
            else if (firstIndex < 0)
            {
                firstIndex = i;
            }
        }
        var longestGap = 0L;
        for (var i = 1; i < acknowledged.Count; i++)
        {
            longestGap = Math.Max(longestGap, acknowledged[i].AtMicros - acknowledged[i - 1].AtMicros);
        }
        return new FailoverTimeline(
            oldPort,
            firstIndex < 0 ? null : acknowledged[firstIndex],
            firstIndex < 0 ? 0 : acknowledged.Count - firstIndex - 1,
            oldAfterKill,
            longestGap / 1000.0,
            killMicros);
    }
}
