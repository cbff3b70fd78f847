using System.Diagnostics.CodeAnalysis;

namespace Pgward.Core.Postgres;

/// <summary>Either the binaries found, or a problem message that says how to install them.</summary>
public sealed record PgBinariesLookup(PgBinaries? Binaries, string? Problem)
{
    [MemberNotNullWhen(true, nameof(Binaries))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Found => Binaries is not null;
}
