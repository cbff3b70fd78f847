namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// One fenced code block of docs/deploy.md with the words of its info string after the language: <c>host=db1,db2</c>,
/// <c>user=postgres</c>, <c>file=/path</c>, <c>mode=0600</c>, <c>wait=SECONDS</c>, <c>notest</c>. The syntax and what
/// each word means to the test: <see cref="DeployGuideTests"/>.
/// </summary>
/// <param name="Line">The line of the opening fence, 1-based, for messages.</param>
public sealed record GuideBlock(int Line, string Language, IReadOnlyDictionary<string, string> Attributes, IReadOnlySet<string> Flags, string Text)
{
    public const string NotTestedFlag = "notest";

    /// <summary>Where the block runs or its file is written, in order; empty for a block the test does not look at.</summary>
    public IReadOnlyList<string> Hosts =>
        Attributes.TryGetValue("host", out var hosts) ? hosts.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>The OS user the commands run as, or who owns the file: root unless <c>user=</c> says otherwise.</summary>
    public string User => Attributes.GetValueOrDefault("user", "root");

    /// <summary>The file this block is the whole content of, or null for commands.</summary>
    public string? File => Attributes.GetValueOrDefault("file");

    /// <summary>The file's mode (octal, default 0644).</summary>
    public string Mode => Attributes.GetValueOrDefault("mode", "0644");

    /// <summary>How long the test runs the block again until it succeeds: what a reader does with a check that needs
    /// the services a moment to settle. Zero: once.</summary>
    public TimeSpan Wait => Attributes.TryGetValue("wait", out var seconds)
        ? TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture))
        : TimeSpan.Zero;

    /// <summary>Deliberately not run: package installation, machine-wide on a test machine.</summary>
    public bool NotTested => Flags.Contains(NotTestedFlag);

    /// <summary>The lines that are neither blank nor comments.</summary>
    public IEnumerable<string> CommandLines => Text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    public override string ToString() => $"the block at docs/deploy.md line {Line} ({Language} {string.Join(' ', Attributes.Select(a => $"{a.Key}={a.Value}").Concat(Flags))})";
}
