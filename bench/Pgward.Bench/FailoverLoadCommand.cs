using System.Globalization;
using System.Runtime.InteropServices;

namespace Pgward.Bench;

/// <summary>
/// <c>failover-load</c>: writes through a multi-host connection string with a <see cref="FailoverWriter"/>; after
/// <c>--ready-after</c> acknowledged writes it creates the ready file, then waits for the kill file, in which the
/// script writes the time it killed the primary (µs since the Unix epoch, e.g. bash's <c>${EPOCHREALTIME/./}</c>).
/// It keeps writing until another server acknowledged a write and <c>--tail</c> more, or until
/// <c>--deadline-seconds</c> after the kill (no failover), then prints a <see cref="FailoverReport"/> as JSON.
/// </summary>
public static class FailoverLoadCommand
{
    public const int FailedOver = 0;
    public const int StoppedEarly = 3;
    public const int NoFailover = 4;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<int> RunAsync(BenchArguments args, TextWriter output)
    {
        var connectionString = args.Required("connection");
        var killFile = args.Required("kill-file");
        var interval = TimeSpan.FromMilliseconds(args.Int("interval-ms", 5));
        var deadlineAfterKill = TimeSpan.FromSeconds(args.Int("deadline-seconds", 120));
        var time = TimeProvider.System;

        using var signalled = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Cancel(context, signalled));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Cancel(context, signalled));
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(args.Int("max-seconds", 600)), time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signalled.Token, overall.Token);

        await LoadTable.ResetAsync(connectionString, create: true, stop.Token);
        var writer = FailoverWriter.Start(connectionString, interval, time);
        await using (writer)
        {
            var killMicros = await WaitForKillAsync(writer, args, killFile, stop.Token);
            var timeline = killMicros is { } kill
                ? await WaitForFailoverAsync(writer, kill, deadlineAfterKill, args.Int("tail", 100), time, stop.Token)
                : null;
            await writer.StopAsync();
            var acknowledged = writer.Acknowledged;
            if (killMicros is { } at)
            {
                timeline = FailoverTimeline.Analyse(acknowledged, at);
            }
            if (args.Optional("ids-out") is { } idsOut)
            {
                await File.WriteAllLinesAsync(idsOut, acknowledged.Select(w => w.Id.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
            }
            var stoppedBy = signalled.IsCancellationRequested ? "signal"
                : overall.IsCancellationRequested ? "max-seconds"
                : timeline is null ? "no-kill"
                : timeline.FirstOnNewPrimary is null ? "deadline"
                : timeline.AcknowledgedAfterFirst >= args.Int("tail", 100) ? "tail" : "deadline-in-tail";
            var report = new FailoverReport(acknowledged.Count, writer.Unknown.Count, writer.Failed, timeline, stoppedBy);
            await output.WriteLineAsync(report.ToJson());
            return timeline is null ? StoppedEarly : timeline.FirstOnNewPrimary is null ? NoFailover : FailedOver;
        }
    }

    /// <summary>The ready file after enough acknowledged writes, then the kill time from the kill file; null if stopped first.</summary>
    private static async Task<long?> WaitForKillAsync(FailoverWriter writer, BenchArguments args, string killFile, CancellationToken ct)
    {
        try
        {
            var readyAfter = args.Int("ready-after", 100);
            while (writer.AcknowledgedCount < readyAfter)
            {
                await Task.Delay(PollInterval, TimeProvider.System, ct);
            }
            if (args.Optional("ready-file") is { } readyFile)
            {
                await File.WriteAllTextAsync(readyFile, "ready\n", ct);
            }
            // The script renames a complete file into place, so a file that exists holds the whole number.
            while (!File.Exists(killFile))
            {
                await Task.Delay(PollInterval, TimeProvider.System, ct);
            }
            var text = (await File.ReadAllTextAsync(killFile, ct)).Trim();
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
                ? micros
                : throw new FormatException($"{killFile} must hold the kill time in µs since the Unix epoch, not \"{text}\"");
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits for a write acknowledged by another server than the killed one, and the tail after it, until the deadline.</summary>
    private static async Task<FailoverTimeline> WaitForFailoverAsync(FailoverWriter writer, long killMicros, TimeSpan deadlineAfterKill,
        int tail, TimeProvider time, CancellationToken ct)
    {
        var killedAt = DateTimeOffset.UnixEpoch.AddTicks(killMicros * TimeSpan.TicksPerMicrosecond);
        var remaining = killedAt + deadlineAfterKill - time.GetUtcNow();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        var timeline = FailoverTimeline.Analyse(writer.Acknowledged, killMicros);
        try
        {
            while (timeline.FirstOnNewPrimary is null || timeline.AcknowledgedAfterFirst < tail)
            {
                await Task.Delay(PollInterval, time, deadline.Token);
                timeline = FailoverTimeline.Analyse(writer.Acknowledged, killMicros);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return timeline;
    }

    private static void Cancel(PosixSignalContext context, CancellationTokenSource signalled)
    {
        context.Cancel = true;
        signalled.Cancel();
    }
}
