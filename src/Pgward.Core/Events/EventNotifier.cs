using System.ComponentModel;
using System.Diagnostics;

namespace Pgward.Core.Events;

/// <summary>
/// Runs <c>event_notification_command</c> for an event through <c>/bin/sh -c</c>, with the event's values in
/// environment variables (see <see cref="EventCommandTemplate"/>), stdin closed, and a timeout.
/// </summary>
public sealed class EventNotifier
{
    /// <summary>How much of the command's stderr a <see cref="NotificationFailed"/> keeps.</summary>
    public const int StandardErrorLimit = 2000;

    /// <summary>
    /// How long to keep reading output after the shell exits: a background process it left behind may hold the pipes
    /// open indefinitely.
    /// </summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(5);

    private readonly string? _command;
    private readonly HashSet<string> _eventFilter;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;

    /// <param name="command"><c>event_notification_command</c>; null or blank disables notifications.</param>
    /// <param name="eventFilter"><c>event_notifications</c>: event types to notify; empty means all.</param>
    /// <param name="timeout">How long the command may run before it is killed with everything it started.</param>
    /// <param name="timeProvider">Clock for the timeout.</param>
    public EventNotifier(string? command, IReadOnlyCollection<string> eventFilter, TimeSpan timeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(eventFilter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _command = string.IsNullOrWhiteSpace(command) ? null : command;
        _eventFilter = eventFilter.Select(e => e.Trim()).Where(e => e.Length > 0).ToHashSet(StringComparer.Ordinal);
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>Runs the command for <paramref name="e"/>, unless filtered out.</summary>
    /// <returns>The outcome; a missing, failing or hanging command never throws.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the command has been killed.</exception>
    public async Task<NotificationOutcome> NotifyAsync(EventNotification e, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_command is null)
        {
            return new NotificationSkipped(NotificationSkipReason.NoCommand);
        }

        if (_eventFilter.Count > 0 && !_eventFilter.Contains(e.Event))
        {
            return new NotificationSkipped(NotificationSkipReason.Filtered);
        }

        var rendered = EventCommandTemplate.Render(_command, e);
        using var process = new Process { StartInfo = CreateStartInfo(rendered) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new NotificationFailed(null, $"could not start /bin/sh: {ex.Message}");
        }

        process.StandardInput.Close();
        return await WaitAsync(process, ct).ConfigureAwait(false);
    }

    private static ProcessStartInfo CreateStartInfo(RenderedCommand rendered)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(rendered.Script);
        foreach (var (name, value) in rendered.Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    private async Task<NotificationOutcome> WaitAsync(Process process, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
        using var grace = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(running.Token, grace.Token);
        var stdout = OutputExcerpt.ReadAsync(process.StandardOutput, 0, reading.Token);
        var stderr = OutputExcerpt.ReadAsync(process.StandardError, StandardErrorLimit, reading.Token);
        try
        {
            await process.WaitForExitAsync(running.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process).ConfigureAwait(false);
            await reading.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return new NotificationTimedOut(_timeout);
        }

        grace.CancelAfter(OutputGrace);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return process.ExitCode == 0
            ? new NotificationSucceeded()
            : new NotificationFailed(process.ExitCode, await stderr.ConfigureAwait(false));
    }

    private async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited, or a descendant vanished while the tree was walked: nothing left to kill.
        }

        // Reap the shell so no zombie outlives the call; SIGKILL makes this quick.
        using var reap = new CancellationTokenSource(ReapTimeout, _timeProvider);
        try
        {
            await process.WaitForExitAsync(reap.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Unkillable (e.g. stuck in uninterruptible I/O): give up waiting rather than hang the caller.
        }
    }
}
