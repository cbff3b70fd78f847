using System.Text.RegularExpressions;

namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// What the test needs of a systemd service unit to do what <c>systemctl start</c> would, on a machine without systemd
/// as PID 1: the <c>ExecStartPre=</c> and <c>ExecStart=</c> command lines with <c>$VAR</c>/<c>${VAR}</c> taken from
/// <c>Environment=</c> and <c>EnvironmentFile=</c>, and <c>User=</c>. pgward's own units come from packaging/ in the
/// repository; others (haproxy) from the machine's /lib/systemd/system, where their package put them; then the host's
/// drop-ins (<c>/etc/systemd/system/UNIT.service.d/*.conf</c>), as systemd reads them.
/// </summary>
/// <param name="ExecStartPre">Each command, and whether its failure is ignored (the <c>-</c> prefix).</param>
public sealed partial record ServiceUnit(string Name, string User, IReadOnlyList<(IReadOnlyList<string> Command, bool IgnoreFailure)> ExecStartPre,
    IReadOnlyList<string> ExecStart)
{
    /// <summary>pgward's unit before packaging/ has one: the agent as the guide describes it.</summary>
    private const string PgwardFallback = "[Service]\nUser=postgres\nExecStart=/usr/bin/pgward -f /etc/pgward/pgward.conf daemon run\n";

    /// <param name="dropIns">The texts of the host's drop-ins for the unit, in the order of their file names.</param>
    public static ServiceUnit Load(string name, string repositoryRoot, IEnumerable<string> dropIns)
    {
        var packaged = Path.Combine(repositoryRoot, "packaging", $"{name}.service");
        var installed = Path.Combine("/lib/systemd/system", $"{name}.service");
        var text = File.Exists(packaged) ? File.ReadAllText(packaged)
            : name.StartsWith("pgward", StringComparison.Ordinal) ? PgwardFallback
            : File.Exists(installed) ? File.ReadAllText(installed)
            : throw new InvalidOperationException($"no unit {name}.service in packaging/ or /lib/systemd/system: install its package (scripts/install-deps)");
        return Parse(name, string.Join('\n', dropIns.Prepend(text)));
    }

    public static ServiceUnit Parse(string name, string text)
    {
        var environment = new Dictionary<string, string>();
        string? user = null;
        string? execStart = null;
        var pre = new List<string>();
        // An empty value resets a list setting, as in a drop-in that replaces ExecStart.
        foreach (var (key, value) in Settings(text))
        {
            switch (key)
            {
                case "User": user = value; break;
                case "ExecStart": execStart = value.Length == 0 ? null : value; break;
                case "ExecStartPre" when value.Length == 0: pre.Clear(); break;
                case "ExecStartPre": pre.Add(value); break;
                case "Environment":
                    foreach (Match m in EnvironmentRegex().Matches(value))
                    {
                        var assignment = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                        environment[assignment[..assignment.IndexOf('=')]] = assignment[(assignment.IndexOf('=') + 1)..];
                    }
                    break;
                case "EnvironmentFile":
                    var file = value.TrimStart('-');
                    if (File.Exists(file))
                    {
                        foreach (var line in File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Contains('=') && !l.StartsWith('#')))
                        {
                            environment[line[..line.IndexOf('=')]] = line[(line.IndexOf('=') + 1)..].Trim('"');
                        }
                    }
                    break;
            }
        }
        if (execStart is null)
        {
            throw new InvalidOperationException($"{name}.service has no ExecStart=");
        }
        return new ServiceUnit(name, user ?? "root", pre.Select(p => ((IReadOnlyList<string>)Command(p, environment), p.StartsWith('-'))).ToList(), Command(execStart, environment));
    }

    /// <summary>The test runs the package's executable from the hosts' PATH, not from /usr/bin/pgward.</summary>
    private static List<string> Program(List<string> command)
    {
        if (command.Count > 0 && Path.GetFileName(command[0]) == "pgward")
        {
            command[0] = "pgward";
        }
        return command;
    }

    /// <summary>The unit's <c>Key=Value</c> lines, continuation lines joined.</summary>
    private static IEnumerable<(string Key, string Value)> Settings(string text)
    {
        foreach (var line in text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()))
        {
            if (line.Length > 0 && !line.StartsWith('#') && !line.StartsWith(';') && line.IndexOf('=') is > 0 and var at)
            {
                yield return (line[..at].Trim(), line[(at + 1)..].Trim());
            }
        }
    }

    /// <summary>An Exec line as argv: its prefixes (<c>-</c>, <c>@</c>, <c>+</c>, ...) dropped, words in single or double
    /// quotes kept whole, <c>${VAR}</c> replaced in place and an unquoted lone <c>$VAR</c> split into words, as systemd does.</summary>
    private static List<string> Command(string line, IReadOnlyDictionary<string, string> environment)
    {
        var words = new List<string>();
        foreach (Match word in WordRegex().Matches(line.TrimStart('-', '@', '+', '!', ':')))
        {
            var quoted = word.Groups[1].Success ? word.Groups[1].Value : word.Groups[2].Success ? word.Groups[2].Value : null;
            var text = quoted ?? word.Value;
            if (quoted is null && text.StartsWith('$') && !text.StartsWith("${", StringComparison.Ordinal))
            {
                words.AddRange(environment.GetValueOrDefault(text[1..], "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
                continue;
            }
            words.Add(BracedRegex().Replace(text, m => environment.GetValueOrDefault(m.Groups[1].Value, "")));
        }
        return Program(words);
    }

    [GeneratedRegex("""'([^']*)'|"([^"]*)"|\S+""")]
    private static partial Regex WordRegex();

    [GeneratedRegex("\"([^\"]*)\"|(\\S+)")]
    private static partial Regex EnvironmentRegex();

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex BracedRegex();
}
