namespace Pgward.Core.Config;

/// <summary>
/// Gives meaning to parsed entries: root-section keys become <see cref="NodeOptions"/> through the key table
/// (<see cref="ConfigKeys"/>). Pure. Collects every problem instead of stopping at the first; for a key set
/// more than once the last value wins, as in PostgreSQL. Keys in other sections are kept raw, unchecked.
/// </summary>
public static class ConfigBinder
{
    /// <param name="entries">Entries in file order, includes already expanded.</param>
    /// <param name="configFile">Absolute path of the main file; used for problems not tied to a line.</param>
    public static ConfigLoadResult Bind(IReadOnlyList<ConfigEntry> entries, string configFile)
    {
        var errors = new List<ConfigProblem>();
        var warnings = new List<ConfigProblem>();
        var root = LastByKey(entries.Where(e => e.Section.Length == 0), warnings);

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
                var found = key.Secret ? "a value that is not shown" : $"\"{entry.Value}\"";
                errors.Add(new ConfigProblem(entry.File, entry.Line, key.Name, $"expected {key.Expected}, got {found}"));
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

        return new ConfigLoadResult(errors.Count == 0 ? options : null, configFile, errors, warnings, Sections(entries));
    }

    /// <summary>Keeps the last entry of each key, with deprecated names mapped to their replacements.</summary>
    private static Dictionary<string, ConfigEntry> LastByKey(IEnumerable<ConfigEntry> entries, List<ConfigProblem> warnings)
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

            last.Remove(current.Key);
            last[current.Key] = current;
        }

        return last;
    }

    private static ConfigProblem Unknown(ConfigEntry entry) => new(
        entry.File,
        entry.Line,
        entry.Key,
        LegacyKeys.Unused.Contains(entry.Key)
            ? "repmgr setting that pgward does not use; ignored"
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

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Sections(IReadOnlyList<ConfigEntry> entries)
    {
        var sections = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (var group in entries.GroupBy(e => e.Section))
        {
            var values = new Dictionary<string, string>();
            foreach (var entry in group)
            {
                values[entry.Key] = entry.Value;
            }

            sections[group.Key] = values;
        }

        return sections;
    }
}
