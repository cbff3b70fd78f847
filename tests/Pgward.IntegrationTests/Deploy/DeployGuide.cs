namespace Pgward.IntegrationTests.Deploy;

/// <summary>docs/deploy.md, read from the repository the tests were built from, as a list of fenced code blocks.</summary>
public static class DeployGuide
{
    public const string RelativePath = "docs/deploy.md";

    /// <summary>The repository root: the first directory above the test binaries that holds <c>pgward.slnx</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "pgward.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no pgward.slnx above {AppContext.BaseDirectory}: run the tests from a checkout");
    }

    public static IReadOnlyList<GuideBlock> Load() => Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), RelativePath)));

    /// <summary>Every block fenced by <c>```</c> lines; the opening fence's info string is the language and then
    /// words, <c>key=value</c> or a bare flag.</summary>
    public static IReadOnlyList<GuideBlock> Parse(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blocks = new List<GuideBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }
            var words = lines[i][3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0)
            {
                throw new FormatException($"{RelativePath} line {i + 1}: a code block that never ends");
            }
            var attributes = words.Skip(1).Where(w => w.Contains('=')).ToDictionary(w => w[..w.IndexOf('=')], w => w[(w.IndexOf('=') + 1)..]);
            var flags = words.Skip(1).Where(w => !w.Contains('=')).ToHashSet();
            var text = string.Join('\n', lines[(i + 1)..end]) + "\n";
            blocks.Add(new GuideBlock(i + 1, words.FirstOrDefault() ?? "", attributes, flags, text));
            i = end;
        }
        return blocks;
    }
}
