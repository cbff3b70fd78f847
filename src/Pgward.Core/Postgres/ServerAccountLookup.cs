using System.Diagnostics.CodeAnalysis;

namespace Pgward.Core.Postgres;

/// <summary>Either the account that runs PostgreSQL binaries, or why there is none.</summary>
public sealed record ServerAccountLookup(ServerAccount? Account, string? Problem)
{
    [MemberNotNullWhen(true, nameof(Account))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Found => Account is not null;
}
