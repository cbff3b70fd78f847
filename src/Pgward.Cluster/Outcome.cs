using Pgward.Core;

namespace Pgward.Cluster;

/// <summary>How an operation ended: an exit code and, when it failed, what went wrong and what to do about it.</summary>
public sealed record Outcome(int ExitCode, string? Error = null, string? Detail = null, string? Hint = null)
{
    public static readonly Outcome Ok = new(ExitCodes.Success);

    public bool Succeeded => ExitCode == ExitCodes.Success;

    public static Outcome Fail(int exitCode, string error, string? hint = null, string? detail = null) =>
        new(exitCode, error, detail, hint);
}
