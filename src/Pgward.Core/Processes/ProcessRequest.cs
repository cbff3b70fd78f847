namespace Pgward.Core.Processes;

/// <summary>A child process to run: a file and its arguments, never a shell string.</summary>
/// <param name="FileName">Absolute path, or a name looked up on PATH.</param>
/// <param name="Arguments">Passed one by one through <see cref="System.Diagnostics.ProcessStartInfo.ArgumentList"/>.</param>
public sealed record ProcessRequest(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Working directory; default: the current one, or <c>/</c> when <see cref="RunAs"/> switches user
    /// (the current directory of root is usually not readable by the server account).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables added to (or replacing in) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Kill the whole process tree after this long. Default: no timeout (cancellation only).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Called for every line of stdout and stderr as it arrives (progress display). Must not block.</summary>
    public Action<string>? OnOutputLine { get; init; }

    /// <summary>OS user to run as when this process is privileged (via <c>runuser</c>); ignored otherwise.</summary>
    public string? RunAs { get; init; }
}
