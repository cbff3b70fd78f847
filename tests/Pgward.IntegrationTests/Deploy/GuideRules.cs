using System.Text.RegularExpressions;

namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// What makes the guide's markers something the test can run faithfully, checked before anything runs: a typo in a
/// marker must fail, not silently leave a block out. The marker syntax: <see cref="DeployGuideTests"/>.
/// </summary>
public static partial class GuideRules
{
    private static readonly string[] Keys = ["host", "user", "file", "mode", "wait"];
    private static readonly string[] ShellLanguages = ["sh", "bash", "shell"];

    /// <summary>The first word of every command a <c>notest</c> block may hold: package installation only.</summary>
    private static readonly string[] PackageCommands = ["apt-get", "apt", "dpkg", "pg_dropcluster"];

    /// <summary>Every problem of <paramref name="blocks"/>, each naming the block; empty when the test can run them.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<GuideBlock> blocks, IReadOnlyCollection<string> hosts)
    {
        var problems = new List<string>();
        foreach (var block in blocks)
        {
            problems.AddRange(Problems(block, hosts).Select(p => $"{block}: {p}"));
        }
        return problems;
    }

    private static IEnumerable<string> Problems(GuideBlock block, IReadOnlyCollection<string> hosts)
    {
        var shell = ShellLanguages.Contains(block.Language);
        if (shell && block.Hosts.Count == 0 && block.File is null)
        {
            yield return "a shell block names no host=; the test would leave it out";
        }
        if (block.Hosts.Count == 0)
        {
            yield break;
        }
        foreach (var key in block.Attributes.Keys.Where(k => !Keys.Contains(k)))
        {
            yield return $"unknown marker {key}= (known: {string.Join(", ", Keys)})";
        }
        foreach (var flag in block.Flags.Where(f => f != GuideBlock.NotTestedFlag))
        {
            yield return $"unknown marker {flag} (known: {GuideBlock.NotTestedFlag})";
        }
        foreach (var host in block.Hosts.Where(h => !hosts.Contains(h)))
        {
            yield return $"unknown host {host} (known: {string.Join(", ", hosts)})";
        }
        if (block.File is { } file && !file.StartsWith('/'))
        {
            yield return $"file={file} is not an absolute path";
        }
        if (!ModeRegex().IsMatch(block.Mode))
        {
            yield return $"mode={block.Mode} is not an octal file mode";
        }
        if (block.Attributes.TryGetValue("wait", out var wait) && !WaitRegex().IsMatch(wait))
        {
            yield return $"wait={wait} is not a number of seconds";
        }
        if (block.NotTested && block.CommandLines.FirstOrDefault(l => !IsPackageInstallation(l)) is { } other)
        {
            yield return $"marked {GuideBlock.NotTestedFlag} but holds more than package installation: {other}";
        }
        if (!block.NotTested && block.File is null && SystemctlProblem(block) is { } systemctl)
        {
            yield return systemctl;
        }
    }

    private static bool IsPackageInstallation(string line) =>
        PackageCommands.Contains(line.Split(' ')[0]) || line.Contains("/etc/postgresql-common/", StringComparison.Ordinal);

    private static string? SystemctlProblem(GuideBlock block)
    {
        var lines = block.CommandLines.ToList();
        var systemctl = lines.Where(l => l.StartsWith("systemctl ", StringComparison.Ordinal)).ToList();
        if (systemctl.Count == 0)
        {
            return null;
        }
        if (systemctl.Count != lines.Count)
        {
            return "keep systemctl lines in blocks of their own: the test stands in for systemd there";
        }
        return systemctl.FirstOrDefault(l => UnitsStarted(l) is null) is { } line ? $"a systemctl line the test cannot stand in for: {line}" : null;
    }

    /// <summary>The units <c>systemctl enable --now UNIT...</c> or <c>systemctl start|restart UNIT...</c> starts (none for
    /// <c>systemctl daemon-reload</c>: the test reads a unit and its drop-ins when it starts it), or null for any other
    /// systemctl line.</summary>
    public static IReadOnlyList<string>? UnitsStarted(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var verb = words.FirstOrDefault();
        if (verb == "daemon-reload" && words.Count == 1)
        {
            return [];
        }
        if (!(verb is "start" or "restart" || (verb == "enable" && words.Contains("--now"))))
        {
            return null;
        }
        return words.Skip(1).Where(w => !w.StartsWith('-')).Select(w => w.EndsWith(".service", StringComparison.Ordinal) ? w[..^".service".Length] : w).ToList();
    }

    [GeneratedRegex("^0?[0-7]{3,4}$")]
    private static partial Regex ModeRegex();

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex WaitRegex();
}
