using System.CommandLine;
using Pgward.Backup;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Commands;

/// <summary>
/// The <c>backup</c> command group of a backup server: base backups, catalog, retention and recovery
/// (<see cref="BackupCommands"/>) and the WAL commands (<see cref="BackupWalCommands"/>). Its commands read pgward.conf's <c>[backup]</c> section, not a node's settings:
/// a backup server need not be a node, so missing node settings (node_id, data_directory ...) are not errors here.
/// </summary>
public static class BackupCommandGroup
{
    public static Command Build(CommandRunner runner)
    {
        var backup = new Command("backup", "base backups, WAL archive, retention and point-in-time recovery on a backup server");
        BackupCommands.AddTo(backup, runner);
        BackupWalCommands.AddTo(backup, runner);
        BackupRegisterCommands.AddTo(backup, runner);
        return backup;
    }

    /// <summary>
    /// Binds the <c>[backup]</c> section of <paramref name="configFile"/> with <see cref="BackupOptions.Bind"/>, the one
    /// parser of the section (the daemon's and every backup command's): its warnings and errors go to
    /// <paramref name="reporter"/>; null when there is an error.
    /// </summary>
    public static BackupOptions? BindSection(string? configFile, IReporter reporter)
    {
        if (configFile is null)
        {
            reporter.Error("no configuration file: give one with -f, with a [backup] section");
            return null;
        }
        var (options, errors, warnings) = BackupOptions.Bind(ConfigLoader.LoadFile(configFile).Sections.GetValueOrDefault("backup"), configFile);
        foreach (var warning in warnings)
        {
            reporter.Warning(warning.ToString());
        }
        foreach (var error in errors)
        {
            reporter.Error(error.ToString());
        }
        return options;
    }

    /// <summary>Loads the <c>[backup]</c> section, builds the <see cref="BackupContext"/> and turns the outcome into an exit code.</summary>
    public static async Task<int> RunAsync(
        CommandRunner runner, ParseResult parse, Func<BackupContext, CancellationToken, Task<Outcome>> operation, CancellationToken ct,
        int configErrorExitCode = ExitCodes.BadConfig, string? daemon = null)
    {
        var env = runner.Environment;
        var reporter = runner.CreateReporter(parse, configured: null, daemon);
        var load = ConfigLoader.Load(parse.GetValue<string?>("--config-file"), env.GetEnvironmentVariable, env.CurrentDirectory);
        var (options, errors, warnings) = BackupOptions.Bind(load.Sections.GetValueOrDefault("backup"), load.Path ?? "pgward.conf");
        var loadErrors = load.Errors.Where(e => !CommandRunner.IsMissingNodeSetting(e)).ToList();
        foreach (var warning in load.Warnings.Concat(warnings))
        {
            reporter.Warning(warning.ToString());
        }
        if (loadErrors.Count > 0 || options is null)
        {
            foreach (var error in loadErrors.Count > 0 ? loadErrors : errors)
            {
                reporter.Error(error.ToString());
            }
            return configErrorExitCode;
        }

        await using var db = new DbConnector();
        try
        {
            return CommandRunner.Finish(await operation(new BackupContext(options, reporter, db, env.Time, BackupServerNodeOptions.From(load)), ct), reporter);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reporter.Error("interrupted");
            return ExitCodes.Interrupted;
        }
    }
}
