using System.Globalization;
using Pgward.Core.IO;
using Pgward.Failover;
using Pgward.Failover.Agreement;

namespace Pgward.Agent.Failover;

/// <summary>
/// Keeps one voter's state in a small text file (<c>term=</c>, <c>voted_for=</c>, <c>primary=</c>, <c>paused=</c>),
/// replaced through <see cref="DurableFile"/>, so that a crash or a power loss leaves either the old or the new state,
/// never a torn one, and never the old one once a vote was sent.
/// </summary>
/// <param name="ownerLike">The data directory: the file gets its owner when the agent runs as root.</param>
public sealed class FileAgreementStore(string path, string? ownerLike = null) : IAgreementStore
{
    private Contents current = Read(path);

    public VoterState Load() => current.Voter;

    public void Save(VoterState state) => Write(current with { Voter = state });

    public bool IsPaused => current.Paused;

    public void SetPaused(bool paused) => Write(current with { Paused = paused });

    private void Write(Contents contents)
    {
        var text = $"term={contents.Voter.CurrentTerm.ToString(CultureInfo.InvariantCulture)}\n"
            + $"voted_for={Format(contents.Voter.VotedFor)}\n"
            + $"primary={Format(contents.Voter.PrimaryId)}\n"
            + $"paused={(contents.Paused ? "true" : "false")}\n";
        // Why durable: the vote must be on disk (the file and its rename) before it is sent; a voter that forgot its
        // vote after a crash could vote twice in one term and let two candidates win.
        DurableFile.WriteAllText(path, text, DurableFile.OwnerOnly, ownerLike);
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
