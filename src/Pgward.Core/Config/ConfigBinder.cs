namespace Pgward.Core.Config;

/// <summary>
/// Gives meaning to parsed entries: root-section keys become <see cref="NodeOptions"/> through the key table
/// (<see cref="ConfigKeys"/>). Pure. Collects every problem instead of stopping at the first. A key set more than
/// once in a section is an error naming both lines, unlike PostgreSQL's "last wins": two <c>node_id</c> lines make
/// the node's identity depend on which one a reader noticed, and one rule for every key is easy to state. Keys in
/// other sections are kept raw, unchecked.
/// </summary>
public static class ConfigBinder
{
    /// <param name="entries">Entries in file order, includes already expanded.</param>
    /// <param name="configFile">Absolute path of the main file; used for problems not tied to a line.</param>
    public static ConfigLoadResult Bind(IReadOnlyList<ConfigEntry> entries, string configFile)
    {
        var errors = new List<ConfigProblem>();
        var warnings = new List<ConfigProblem>();
        var root = ByKey(entries.Where(e => e.Section.Length == 0), warnings, errors);

        var options = new NodeOptions { ConfigFile = configFile };
        foreach (var entry in root.Values)
        {
            var key = ConfigKeys.Find(entry.Key);
            if (key is null)
            {
                warnings.Add(Unknown(entry));
            }
            else if (key.TryApply(options, entry.Value, out var updated))
            {
                options = updated;
            }
            else
            {
                errors.Add(new ConfigProblem(entry.File, entry.Line, key.Name, key.Problem(entry.Value)));
            }
        }

        foreach (var key in ConfigKeys.All.Where(k => k.Required && !root.ContainsKey(k.Name)))
        {
            errors.Add(new ConfigProblem(configFile, 0, key.Name, $"required setting is missing; expected {key.Expected}"));
        }

        var invalidKeys = errors.Select(e => e.Key).ToHashSet();
        foreach (var check in ConfigKeys.CrossChecks)
        {
            if (!invalidKeys.Contains(check.Key) && !invalidKeys.Contains(check.OtherKey) && !check.Holds(options))
            {
                errors.Add(CrossCheckProblem(check, options, root, configFile));
            }
        }

        // The rules so far are all about agent_tls*: one of those set wrong says enough on its own.
        foreach (var rule in ConfigKeys.Rules)
        {
            if (!invalidKeys.Any(k => k?.StartsWith("agent_tls", StringComparison.Ordinal) == true) && rule.Problem(options) is { } problem)
            {
                var at = root.GetValueOrDefault(rule.Key);
                errors.Add(new ConfigProblem(at?.File ?? configFile, at?.Line ?? 0, rule.Key, problem));
            }
        }

        var sections = Sections(entries, errors);
        return new ConfigLoadResult(errors.Count == 0 ? options : null, configFile, errors, warnings, sections) { Bound = options };
    }

    /// <summary>Each key's entry, with deprecated names mapped to their replacements; a key set twice is an error.</summary>
    private static Dictionary<string, ConfigEntry> ByKey(
        IEnumerable<ConfigEntry> entries, List<ConfigProblem> warnings, List<ConfigProblem> errors)
    {
        var last = new Dictionary<string, ConfigEntry>();
        foreach (var entry in entries)
        {
            if (LegacyKeys.IgnoredSilently.Contains(entry.Key))
            {
                continue;
            }

            var current = entry;
            if (LegacyKeys.Renamed.TryGetValue(entry.Key, out var newName))
            {
                warnings.Add(new ConfigProblem(entry.File, entry.Line, entry.Key, $"deprecated name; use \"{newName}\""));
                current = entry with { Key = newName };
            }

            if (last.TryGetValue(current.Key, out var first))
            {
                errors.Add(SetTwice(first, current));
            }

            last[current.Key] = current;
        }

        return last;
    }

    // Names both places, with the key as written at each (a deprecated name and its replacement are one key).
    private static ConfigProblem SetTwice(ConfigEntry first, ConfigEntry again) => new(
        again.File,
        again.Line,
        again.Key,
        $"set more than once: at {first.File}:{first.Line} and at {again.File}:{again.Line}; keep one of them");

    private static ConfigProblem Unknown(ConfigEntry entry) => new(
        entry.File,
        entry.Line,
        entry.Key,
        LegacyKeys.Unused.Contains(entry.Key)
            ? "repmgr setting that pgward does not use; ignored"
                + (LegacyKeys.Instead.TryGetValue(entry.Key, out var instead) ? $" (instead: {instead})" : "")
            : "unknown setting; ignored");

    private static ConfigProblem CrossCheckProblem(
        ConfigCrossCheck check, NodeOptions options, Dictionary<string, ConfigEntry> root, string configFile)
    {
        var key = ConfigKeys.Find(check.Key)!;
        var other = ConfigKeys.Find(check.OtherKey)!;
        var at = root.GetValueOrDefault(check.Key) ?? root.GetValueOrDefault(check.OtherKey);
        return new ConfigProblem(
            at?.File ?? configFile,
            at?.Line ?? 0,
            check.Key,
            $"{check.Relation} \"{check.OtherKey}\"; got {check.Key} = {key.Show(options)} and {check.OtherKey} = {other.Show(options)}");
    }

    /// <summary>Raw values per section; a key set twice in a section other than the root is an error here.</summary>
    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Sections(
        IReadOnlyList<ConfigEntry> entries, List<ConfigProblem> errors)
    {
        var sections = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var group in entries.GroupBy(e => e.Section))
        {
            var values = new Dictionary<string, string>();
            var seen = new Dictionary<string, ConfigEntry>();
            foreach (var entry in group)
            {
                if (group.Key.Length > 0 && seen.TryGetValue(entry.Key, out var first))
                {
                    errors.Add(SetTwice(first, entry));
                }

                seen[entry.Key] = entry;
                values[entry.Key] = entry.Value;
            }

            sections[group.Key] = values;
        }

        return sections;
    }
}
