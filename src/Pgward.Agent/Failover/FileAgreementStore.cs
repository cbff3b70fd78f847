using System.Globalization;
using System.Text;

namespace Pgward.Failover.Agreement;

/// <summary>
/// Keeps one voter's state in a small text file (<c>term=</c>, <c>voted_for=</c>, <c>primary=</c>, <c>paused=</c>),
/// written to a temporary file, flushed to disk and renamed over the old one, so that a crash leaves either the
/// old or the new state, never a torn one.
/// </summary>
public sealed class FileAgreementStore(string path) : IAgreementStore
{
    private Contents current = Read(path);

    public VoterState Load() => current.Voter;

    public void Save(VoterState state) => Write(current with { Voter = state });

    public bool IsPaused => current.Paused;

    public void SetPaused(bool paused) => Write(current with { Paused = paused });

    private void Write(Contents contents)
    {
        var temporary = path + ".tmp";
        var text = $"term={contents.Voter.CurrentTerm.ToString(CultureInfo.InvariantCulture)}\n"
            + $"voted_for={Format(contents.Voter.VotedFor)}\n"
            + $"primary={Format(contents.Voter.PrimaryId)}\n"
            + $"paused={(contents.Paused ? "true" : "false")}\n";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            // Why: the vote must be on disk before it is sent; a voter that forgot its vote after a crash
            // could vote twice in one term and let two candidates win.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        current = contents;
    }

    private static Contents Read(string path)
    {
        if (!File.Exists(path))
        {
            return new Contents(VoterState.Initial, Paused: false);
        }

        var values = File.ReadAllLines(path)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
        var term = values.TryGetValue("term", out var t) ? long.Parse(t, CultureInfo.InvariantCulture) : 0;
        var voter = new VoterState(term, ParseId(values, "voted_for"), ParseId(values, "primary"));
        return new Contents(voter, values.TryGetValue("paused", out var p) && p == "true");
    }

    private static int? ParseId(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var text) && text.Length > 0 ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static string Format(int? id) => id?.ToString(CultureInfo.InvariantCulture) ?? "";

    private sealed record Contents(VoterState Voter, bool Paused);
}
