namespace Pgward.Core.Config;

/// <summary>
/// One thing wrong (or worth a warning) in a configuration file: where it is, which setting, and what was
/// expected instead of what was found. <see cref="Line"/> is 0 when the problem is not about one line,
/// such as a missing required setting.
/// </summary>
public sealed record ConfigProblem(string File, int Line, string? Key, string Message)
{
    /// <summary>Reads like a compiler message: <c>pgward.conf:12: "priority": expected an integer ..., got "high"</c>.</summary>
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}" : File;
        return Key is null ? $"{where}: {Message}" : $"{where}: \"{Key}\": {Message}";
    }
}
