namespace Pgward.Core.Config;

/// <summary>
/// A loaded <c>pgward.conf</c>: the node's options when there were no errors, every error and warning found,
/// and the raw <c>key = value</c> pairs of every section (<c>""</c> is the root; <c>[backup]</c> is <c>"backup"</c>).
/// </summary>
public sealed record ConfigLoadResult(
    NodeOptions? Options,
    string? Path,
    IReadOnlyList<ConfigProblem> Errors,
    IReadOnlyList<ConfigProblem> Warnings,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Sections)
{
    public bool Succeeded => Errors.Count == 0 && Options != null;

    /// <summary>The root section bound as far as it went, also when there were errors (null when no file could be
    /// read): a backup server's pgward.conf has no node settings, and its endpoint reads its <c>agent_*</c> keys from here.</summary>
    public NodeOptions? Bound { get; init; }

    /// <summary>A result that failed before any file could be read.</summary>
    public static ConfigLoadResult Failed(string? path, ConfigProblem problem) =>
        new(null, path, [problem], [], new Dictionary<string, IReadOnlyDictionary<string, string>>());
}
