namespace Pgward.Core.Events;

/// <summary>The command exited non-zero, or could not be started at all.</summary>
/// <param name="ExitCode">The exit status (128 + signal number when killed by a signal); null when the shell could not start.</param>
/// <param name="StandardError">The start of what the command wrote to stderr, or why it could not start.</param>
public sealed record NotificationFailed(int? ExitCode, string StandardError) : NotificationOutcome;
