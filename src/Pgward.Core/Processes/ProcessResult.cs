namespace Pgward.Core.Processes;

/// <summary>What a finished child process left behind. A non-zero exit or a timeout is an outcome, not an exception.</summary>
/// <param name="ExitCode">Exit code; -1 when the process was killed after <paramref name="TimedOut"/>.</param>
/// <param name="StandardOutput">All of stdout, lines joined with \n.</param>
/// <param name="StandardError">All of stderr, lines joined with \n.</param>
/// <param name="TimedOut">True when the runner killed the process tree because its timeout passed.</param>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    /// <summary>The command as it was run (after any <c>runuser</c> wrapping), quoted for display.</summary>
    public string CommandLine { get; init; } = "";

    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>One paragraph for an error message: the command, how it ended, and its stderr.</summary>
    public string Describe()
    {
        var ending = TimedOut ? "timed out and was killed" : $"exited with code {ExitCode}";
        var detail = StandardError.Trim();
        if (detail.Length == 0)
        {
            detail = StandardOutput.Trim();
        }

        return detail.Length == 0 ? $"{CommandLine} {ending}" : $"{CommandLine} {ending}:\n{detail}";
    }
}
