namespace Pgward.Testing.Chaos;

/// <summary>
/// Finds the spans of a history in which two primaries took writes at the same time.
/// </summary>
/// <remarks>
/// The rule, chosen so that an interval is reported only when it is certain:
/// <list type="bullet">
/// <item>An acknowledged write committed at some unknown instant within its [Start, End]. Write x certainly committed
/// before write y when x.End &lt; y.Start; overlapping windows say nothing about the order.</item>
/// <item>Writes are grouped into eras, (node, timeline). A node that fails, is replaced and is later promoted again
/// writes on a new, higher timeline: A→B→A through two failovers is three eras in sequence, not a split brain.</item>
/// <item>In a correct history the eras follow one another: all of one era's writes, then all of the next era's.
/// Era F intrudes into era E when one of F's writes certainly committed after one of E's writes and certainly before
/// another of E's writes: E took writes before and after F did, so both were primaries when F's write committed.</item>
/// <item>The interval reported runs from the end of F's first intruding write (F had certainly taken a write by then)
/// to the start of E's first write certainly after F's last intruding one: the [t2, t3] of A acks at t1, B at t2, A
/// at t3. (Measuring to E's last write instead made a thawed old primary's one late write look like a minute of
/// split brain when E went on as primary.)</item>
/// <item>Two eras that each intrude into the other (both taking writes throughout) give overlapping intervals for the
/// same pair: they are merged into one.</item>
/// </list>
/// Consequences: acknowledgements from two nodes that never interleave give no interval, nor does a failover A→B,
/// however close the last A write and the first B write are (their windows may overlap: the order is then unknown,
/// and a clean handover is possible). Unknown and failed writes never count: nobody knows they committed.
/// An old primary that comes back writable on its old timeline after another node took over (a fork, never correct)
/// is reported too. Writes count whatever their <c>synchronous_commit</c>: a commit that waited for nobody is still a
/// write a second primary took; <see cref="TwoPrimaryInterval.Commits"/> says which settings the interval saw.
/// </remarks>
public static class TwoPrimaryIntervals
{
    public static IReadOnlyList<TwoPrimaryInterval> Find(IEnumerable<WriteOperation> writes)
    {
        var eras = writes.Where(w => w.Outcome == WriteOutcome.Acknowledged && w.Node is not null)
            .GroupBy(w => new PrimaryEra(w.Node!, w.Timeline))
            .Select(g => (Era: g.Key, FirstEnd: g.Min(w => w.End), LastStart: g.Max(w => w.Start), Writes: g.ToList()))
            .ToList();
        var found = new List<TwoPrimaryInterval>();
        foreach (var host in eras)
        {
            foreach (var intruder in eras.Where(e => e.Era != host.Era))
            {
                // Intruding writes: certainly after the host's earliest-ending write, certainly before its latest-starting one.
                var inside = intruder.Writes.Where(f => f.Start > host.FirstEnd && f.End < host.LastStart).ToList();
                if (inside.Count > 0)
                {
                    // Ends at the host's first write certainly after the last intruding one: the evidence that both
                    // took writes, no longer (the host's writes after that say nothing more about the intruder).
                    var lastIntrusion = inside.Max(f => f.End);
                    var end = host.Writes.Where(w => w.Start > lastIntrusion).Min(w => w.Start);
                    var start = inside.Min(f => f.End);
                    var commits = host.Writes.Concat(intruder.Writes).Where(w => w.End >= start && w.Start <= end).Select(w => w.SynchronousCommit);
                    found.Add(new TwoPrimaryInterval(start, end, host.Era, intruder.Era) { Commits = [.. commits.Distinct().Order()] });
                }
            }
        }
        return Merge(found);
    }

    private static List<TwoPrimaryInterval> Merge(List<TwoPrimaryInterval> intervals)
    {
        var merged = new List<TwoPrimaryInterval>();
        foreach (var pair in intervals.GroupBy(i => Pair(i.First, i.Second)))
        {
            TwoPrimaryInterval? current = null;
            foreach (var interval in pair.OrderBy(i => i.Start))
            {
                if (current is not null && interval.Start <= current.End)
                {
                    current = current with
                    {
                        End = interval.End > current.End ? interval.End : current.End,
                        Commits = [.. current.Commits.Union(interval.Commits).Order()],
                    };
                    continue;
                }
                if (current is not null)
                {
                    merged.Add(current);
                }
                current = interval;
            }
            merged.Add(current!);
        }
        return [.. merged.OrderBy(i => i.Start)];
    }

    /// <summary>The unordered pair of eras, so that E-inside-F and F-inside-E merge.</summary>
    private static (PrimaryEra, PrimaryEra) Pair(PrimaryEra a, PrimaryEra b) =>
        string.CompareOrdinal(a.ToString(), b.ToString()) <= 0 ? (a, b) : (b, a);
}
