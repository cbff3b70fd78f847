using System.CommandLine;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Events;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Events;
using Pgward.Core.Logging;
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

    /// <param name="backupServer">A backup server's command: a pgward.conf with a <c>[backup]</c> section need not
    /// hold a node's own settings (node_id, data_directory ...); their absence is not an error then.</param>
    /// <param name="daemon">For a daemon (<c>daemon run</c>): the subsystem its reported lines are logged under, with a
    /// timestamp and level (<see cref="DaemonReporter"/>); null for a command's <c>NOTICE: ...</c> lines.</param>
    /// <param name="configErrorExitCode">The exit code of an unusable pgward.conf: a restore_command's must not be 1,
    /// which PostgreSQL takes for the end of the WAL.</param>
    public async Task<int> RunAsync(
        ParseResult parse, Func<OperationContext, CancellationToken, Task<Outcome>> operation, CancellationToken ct, bool backupServer = false,
        string? daemon = null, int configErrorExitCode = ExitCodes.BadConfig)
    {
        var early = CreateReporter(parse, configured: null, daemon);
        var load = ConfigLoader.Load(parse.GetValue(globals.ConfigFile), env.GetEnvironmentVariable, env.CurrentDirectory);
        foreach (var warning in load.Warnings)
        {
            early.Warning(warning.ToString());
        }
        var errors = backupServer && load.Sections.ContainsKey("backup") ? load.Errors.Where(e => !IsMissingNodeSetting(e)).ToList() : load.Errors;
        if (errors.Count > 0 || (load.Options is null && !backupServer))
        {
            foreach (var error in errors.Count > 0 ? errors : load.Errors)
            {
                early.Error(error.ToString());
            }
            return configErrorExitCode;
        }

        var options = Backup.BackupServerNodeOptions.From(load);
        var reporter = CreateReporter(parse, options.LogLevel.ToString(), daemon);
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

    /// <summary>A node-settings error that a backup server's pgward.conf may have: the setting is simply absent.</summary>
    public static bool IsMissingNodeSetting(ConfigProblem problem) =>
        problem.Line == 0 && problem.Key is not null && problem.Message.StartsWith("required setting is missing", StringComparison.Ordinal);

    /// <param name="daemon">The subsystem of a daemon's reported lines (see <see cref="DaemonReporter"/>); null for a command.</param>
    public IReporter CreateReporter(ParseResult parse, string? configured, string? daemon = null)
    {
        var level = parse.GetValue(globals.LogLevel) ?? (parse.GetValue(globals.Verbose) ? "INFO" : null)
            ?? (parse.GetValue(globals.Quiet) ? "WARNING" : null) ?? configured ?? "NOTICE";
        return daemon is null
            ? new ConsoleReporter(env.Error, env.IsTerminal, ParseLevel(level))
            : new DaemonReporter(env.Error, ParseLevel(level), daemon, DaemonLogFormats.FromProcess(2), env.Time);
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
