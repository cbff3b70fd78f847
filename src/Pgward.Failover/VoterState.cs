namespace Pgward.Failover;

/// <summary>What a voter keeps durably: the highest term it knows, whom it voted for in that term (at most one
/// vote per term), and which node is primary in that term when known.</summary>
public sealed record VoterState(long CurrentTerm, int? VotedFor, int? PrimaryId)
{
    public static readonly VoterState Initial = new(0, null, null);
}
