using Npgsql;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// <c>pgward node service --action=start|stop|restart|reload|promote [--checkpoint] [--dry-run] [--list-actions]</c>:
/// runs <c>service_*_command</c> from pgward.conf when set (through <c>/bin/sh -c</c>), else pg_ctl as the server's
/// OS user. Stop uses fast mode; <c>--checkpoint</c> runs CHECKPOINT first so the shutdown checkpoint has little to do.
/// </summary>
public sealed class NodeService(OperationContext ctx)
{
    /// <summary>Bound on start, restart and reload; stop and promote use shutdown_check_timeout and promote_check_timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public async Task<Outcome> RunAsync(ServiceAction action, bool checkpoint, bool dryRun, CancellationToken ct)
    {
        var (server, problem) = Server(action);
        if (problem is not null)
        {
            return problem;
        }
        var description = Describe(action, server);
        if (dryRun)
        {
            ctx.Reporter.Notice($"would {(checkpoint && StopsServer(action) ? "run CHECKPOINT, then " : "")}run \"{description}\"");
            return Outcome.Ok;
        }
        if (checkpoint && StopsServer(action))
        {
            await CheckpointAsync(ct);
        }
        ctx.Reporter.Notice($"executing \"{action.ToString().ToLowerInvariant()}\" with \"{description}\"");
        var failure = Configured(action) is { } command
            ? await ShellCommand.RunAsync(ctx, command, Timeout(action), ct)
            : await PgCtlAsync(action, server!, ct);
        return failure is null
            ? Outcome.Ok
            : Outcome.Fail(ExitCodes.LocalCommand, $"unable to {action.ToString().ToLowerInvariant()} the local server", detail: failure);
    }

    /// <summary>Each action with the command it would run, for <c>--list-actions</c>.</summary>
    public (IReadOnlyList<(ServiceAction Action, string Command)> Commands, Outcome Outcome) ListActions()
    {
        var commands = new List<(ServiceAction, string)>();
        foreach (var action in Enum.GetValues<ServiceAction>())
        {
            var (server, problem) = Server(action);
            if (problem is not null)
            {
                return ([], problem);
            }
            commands.Add((action, Describe(action, server)));
        }
        return (commands, Outcome.Ok);
    }

    private static bool StopsServer(ServiceAction action) => action is ServiceAction.Stop or ServiceAction.Restart;

    private string? Configured(ServiceAction action)
    {
        var options = ctx.Options;
        var command = action switch
        {
            ServiceAction.Start => options.ServiceStartCommand,
            ServiceAction.Stop => options.ServiceStopCommand,
            ServiceAction.Restart => options.ServiceRestartCommand,
            ServiceAction.Reload => options.ServiceReloadCommand,
            ServiceAction.Promote => options.ServicePromoteCommand,
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
        };
        return command is { Length: > 0 } ? command : null;
    }

    private TimeSpan Timeout(ServiceAction action) => action switch
    {
        ServiceAction.Stop => ctx.Options.ShutdownCheckTimeout,
        ServiceAction.Promote => ctx.Options.PromoteCheckTimeout,
        _ => DefaultTimeout,
    };

    /// <summary>pg_ctl is needed only for actions without a configured command.</summary>
    private (LocalServer? Server, Outcome? Problem) Server(ServiceAction action)
    {
        if (Configured(action) is not null)
        {
            return (null, null);
        }
        var (server, outcome) = LocalServer.Create(ctx);
        return server is null ? (null, outcome) : (server, null);
    }

    private string Describe(ServiceAction action, LocalServer? server)
    {
        if (Configured(action) is { } command)
        {
            return command;
        }
        if (action == ServiceAction.Restart)
        {
            // pg_ctl restart would forget the server's command-line options; stop and start keep to pgward's own.
            return $"{Describe(ServiceAction.Stop, server)} && {Describe(ServiceAction.Start, server)}";
        }
        var pgCtl = server!.Binaries.Tool("pg_ctl");
        var seconds = ((int)Math.Ceiling(Timeout(action).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var directory = server.Directories.ForPgCtl;
        string[] arguments = action switch
        {
            ServiceAction.Start => ["-w", "-t", seconds, "-D", directory, "-l", server.LogFile, .. server.StartArguments, "start"],
            ServiceAction.Stop => ["-w", "-t", seconds, "-D", directory, "-m", "fast", "stop"],
            ServiceAction.Reload => ["-D", directory, "reload"],
            _ => ["-w", "-t", seconds, "-D", directory, "promote"],
        };
        return CommandLine.Format(pgCtl, arguments);
    }

    private async Task<string?> PgCtlAsync(ServiceAction action, LocalServer server, CancellationToken ct)
    {
        var timeout = Timeout(action);
        var result = action switch
        {
            ServiceAction.Start => await server.StartAsync(timeout, ct),
            ServiceAction.Stop => await server.StopAsync(ShutdownMode.Fast, timeout, ct),
            ServiceAction.Reload => await server.ReloadAsync(ct),
            ServiceAction.Promote => await server.PromoteAsync(timeout, ct),
            _ => await RestartAsync(server, ct),
        };
        return result.Succeeded ? null : result.Describe();
    }

    private async Task<PgCtlResult> RestartAsync(LocalServer server, CancellationToken ct)
    {
        if (server.RunningPid() is not null)
        {
            var stop = await server.StopAsync(ShutdownMode.Fast, Timeout(ServiceAction.Stop), ct);
            if (!stop.Succeeded)
            {
                return stop;
            }
        }
        return await server.StartAsync(Timeout(ServiceAction.Start), ct);
    }

    /// <summary>A CHECKPOINT now leaves little for the shutdown checkpoint; a failure only makes the stop slower.</summary>
    private async Task CheckpointAsync(CancellationToken ct)
    {
        var attempt = await ctx.Db.TryOpenAsync(ctx.Options.Conninfo, ct);
        if (attempt.Connection is not { } connection)
        {
            ctx.Reporter.Warning($"unable to connect to run CHECKPOINT: {attempt.Error}");
            return;
        }
        await using var _ = connection;
        try
        {
            await using var cmd = new NpgsqlCommand("CHECKPOINT", connection) { CommandTimeout = (int)DefaultTimeout.TotalSeconds };
            await cmd.ExecuteNonQueryAsync(ct);
            ctx.Reporter.Info("CHECKPOINT done");
        }
        catch (PostgresException e)
        {
            ctx.Reporter.Warning($"CHECKPOINT failed: {e.MessageText}");
        }
    }
}
