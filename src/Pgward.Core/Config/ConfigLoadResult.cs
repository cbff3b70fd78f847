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

    /// <summary>A result that failed before any file could be read.</summary>
    public static ConfigLoadResult Failed(string? path, ConfigProblem problem) =>
        new(null, path, [problem], [], new Dictionary<string, IReadOnlyDictionary<string, string>>());
}
