using System.CommandLine;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Commands;

/// <summary>
/// Runs an operation for a command: loads pgward.conf, builds the <see cref="OperationContext"/>, and turns the
/// <see cref="Outcome"/> into an exit code with ERROR/DETAIL/HINT lines.
/// </summary>
public sealed class CommandRunner(CliEnvironment env, GlobalOptions globals)
{
    public CliEnvironment Environment => env;

    public async Task<int> RunAsync(
        ParseResult parse, Func<OperationContext, CancellationToken, Task<Outcome>> operation, CancellationToken ct)
    {
        var early = CreateReporter(parse, configured: null);
        var load = ConfigLoader.Load(parse.GetValue(globals.ConfigFile), env.GetEnvironmentVariable, env.CurrentDirectory);
        foreach (var warning in load.Warnings)
        {
            early.Warning(warning.ToString());
        }
        if (!load.Succeeded)
        {
            foreach (var error in load.Errors)
            {
                early.Error(error.ToString());
            }
            return ExitCodes.BadConfig;
        }

        var options = load.Options!;
        var reporter = CreateReporter(parse, options.LogLevel.ToString());
        await using var db = new DbConnector();
        var notifier = new EventNotifier(options.EventNotificationCommand, options.EventNotifications, options.EventNotificationTimeout, env.Time);
        var context = new OperationContext(
            options, reporter, db, new ProcessRunner(), new EventRecorder(notifier, reporter, env.Time), env.Time);
        try
        {
            return Finish(await operation(context, ct), reporter);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reporter.Error("interrupted");
            return ExitCodes.Interrupted;
        }
    }

    public IReporter CreateReporter(ParseResult parse, string? configured)
    {
        var level = parse.GetValue(globals.LogLevel) ?? (parse.GetValue(globals.Verbose) ? "INFO" : null)
            ?? (parse.GetValue(globals.Quiet) ? "WARNING" : null) ?? configured ?? "NOTICE";
        return new ConsoleReporter(env.Error, env.IsTerminal, ParseLevel(level));
    }

    public static int Finish(Outcome outcome, IReporter reporter)
    {
        if (outcome.Error is { } error)
        {
            reporter.Error(error);
        }
        if (outcome.Detail is { } detail)
        {
            reporter.Detail(detail);
        }
        if (outcome.Hint is { } hint)
        {
            reporter.Hint(hint);
        }
        return outcome.ExitCode;
    }

    private static ReportLevel ParseLevel(string level) => level.ToUpperInvariant() switch
    {
        "DEBUG" => ReportLevel.Debug,
        "INFO" => ReportLevel.Info,
        "WARNING" => ReportLevel.Warning,
        "ERROR" => ReportLevel.Error,
        _ => ReportLevel.Notice,
    };
}
