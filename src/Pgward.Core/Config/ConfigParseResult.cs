namespace Pgward.Core.Config;

/// <summary>What <see cref="ConfigParser"/> read from one file: its entries in order, and its syntax errors.</summary>
public sealed record ConfigParseResult(IReadOnlyList<ConfigEntry> Entries, IReadOnlyList<ConfigProblem> Errors);
