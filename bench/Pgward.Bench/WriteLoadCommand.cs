using System.Globalization;
using System.Runtime.InteropServices;
using Pgward.Testing;

namespace Pgward.Bench;

/// <summary>
/// <c>write-load</c>: runs <see cref="WriteLoad"/> against a connection string until a stop file appears, then keeps
/// writing until <c>--tail</c> more writes are acknowledged (so that a write outage ending after the stop is measured
/// whole), and prints a <see cref="WriteLoadReport"/> as JSON. SIGTERM, SIGINT and <c>--max-seconds</c> stop it too.
/// </summary>
public static class WriteLoadCommand
{
    public const int Completed = 0;
    public const int StoppedEarly = 3;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>How long the tail may take: writes that do not resume within it are an outage the script reports.</summary>
    private static readonly TimeSpan TailTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(BenchArguments args, TextWriter output)
    {
        var connectionString = args.Required("connection");
        var stopFile = args.Required("stop-file");
        var interval = TimeSpan.FromMilliseconds(args.Int("interval-ms", 5));
        var maximum = TimeSpan.FromSeconds(Math.Min(args.Int("max-seconds", 120), WriteLoad.MaximumDuration.TotalSeconds));
        var time = TimeProvider.System;

        using var signalled = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Cancel(context, signalled));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Cancel(context, signalled));
        using var deadline = new CancellationTokenSource(maximum, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signalled.Token, deadline.Token);

        var started = time.GetTimestamp();
        await LoadTable.ResetAsync(connectionString, create: false, stop.Token);
        var load = await WriteLoad.StartAsync(connectionString, interval, stop.Token);
        await using (load)
        {
            var completed = await RunPhasesAsync(load, args, stopFile, stop.Token);
            var result = await load.StopAsync();
            if (args.Optional("ids-out") is { } idsOut)
            {
                await File.WriteAllLinesAsync(idsOut, result.Acknowledged.Select(id => id.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
            }
            var stoppedBy = completed ? "stop-file" : signalled.IsCancellationRequested ? "signal" : "max-seconds";
            var report = new WriteLoadReport(result.Acknowledged.Count, result.Unknown.Count, result.Failed,
                result.LongestGap.TotalMilliseconds, time.GetElapsedTime(started).TotalMilliseconds, stoppedBy);
            await output.WriteLineAsync(report.ToJson());
            return completed ? Completed : StoppedEarly;
        }
    }

    /// <summary>Ready file after <c>--ready-after</c> acknowledged writes, then wait for the stop file, then the tail.</summary>
    private static async Task<bool> RunPhasesAsync(WriteLoad load, BenchArguments args, string stopFile, CancellationToken ct)
    {
        try
        {
            await load.WaitForAcknowledgedAsync(args.Int("ready-after", 100), ct);
            if (args.Optional("ready-file") is { } readyFile)
            {
                await File.WriteAllTextAsync(readyFile, "ready\n", ct);
            }
            while (!File.Exists(stopFile))
            {
                await Task.Delay(PollInterval, TimeProvider.System, ct);
            }
            using var tail = CancellationTokenSource.CreateLinkedTokenSource(ct);
            tail.CancelAfter(TailTimeout);
            await load.WaitForAcknowledgedAsync(load.Acknowledged + args.Int("tail", 100), tail.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static void Cancel(PosixSignalContext context, CancellationTokenSource signalled)
    {
        context.Cancel = true;
        signalled.Cancel();
    }
}
