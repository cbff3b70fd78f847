using System.CommandLine;
using Pgward.Backup;
using Pgward.Backup.Http;
using Pgward.Backup.Registration;
using Pgward.Cluster;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Commands;

/// <summary>
/// <c>backup register</c> and <c>backup unregister</c>: the backup server's row in the cluster metadata, which
/// <c>cluster show</c> lists (a backup server is not a node: no vote, never promoted).
/// </summary>
public static class BackupRegisterCommands
{
    public static void AddTo(Command backup, CommandRunner runner)
    {
        backup.Add(Register(runner));
        backup.Add(Unregister(runner));
    }

    private static Command Register(CommandRunner runner)
    {
        var force = new Option<bool>("--force", "-F") { Description = "replace a registration of the same name from another host or directory" };
        var command = new Command("register", "register this backup server in the cluster metadata (listed by cluster show)") { force };
        command.SetAction((parse, ct) => RunAsync(runner, parse, (ctx, options, token) =>
            new BackupServerRegistration(options, ctx.Db, ctx.Reporter) { Endpoint = BackupEndpoint.UrlOf(ctx.Options) }.RegisterAsync(Environment.MachineName, parse.GetValue(force), ctx.Events, token), ct));
        return command;
    }

    private static Command Unregister(CommandRunner runner)
    {
        var name = new Option<string?>("--name") { Description = "the backup server to remove (default: this one); for one that is gone" };
        var command = new Command("unregister", "remove a backup server from the cluster metadata (its backups and slot are left alone)") { name };
        command.SetAction((parse, ct) => RunAsync(runner, parse, (ctx, options, token) =>
            new BackupServerRegistration(options, ctx.Db, ctx.Reporter).UnregisterAsync(parse.GetValue(name), ctx.Events, token), ct));
        return command;
    }

    /// <summary>
    /// After a base backup: the registered row shows it at once, not at the daemon's next refresh. Best effort: an
    /// unregistered backup server or an unreachable primary is only a debug line, the backup itself succeeded.
    /// </summary>
    public static async Task RefreshQuietlyAsync(OperationContext ctx, CancellationToken ct)
    {
        if (ctx.Options.ConfigFile is not { } file
            || BackupOptions.Bind(ConfigLoader.LoadFile(file).Sections.GetValueOrDefault("backup"), file).Options is not { } options)
        {
            return;
        }
        try
        {
            if (await new BackupServerRegistration(options, ctx.Db, ctx.Reporter) { Endpoint = BackupEndpoint.UrlOf(ctx.Options) }.RefreshAsync(ct) is { } problem)
            {
                ctx.Reporter.Debug(problem);
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            ctx.Reporter.Debug($"cannot refresh the backup server's row in the cluster metadata: {e.Message}");
        }
    }

    private static Task<int> RunAsync(
        CommandRunner runner, ParseResult parse, Func<OperationContext, BackupOptions, CancellationToken, Task<Outcome>> operation, CancellationToken ct) =>
        runner.RunAsync(parse, backupServer: true, ct: ct, operation: async (ctx, token) =>
        {
            if (ctx.Options.ConfigFile is not { } file)
            {
                return Outcome.Fail(ExitCodes.BadConfig, "no pgward.conf found", hint: "give the backup server's configuration with -f /path/to/pgward.conf");
            }
            var (options, errors, _) = BackupOptions.Bind(ConfigLoader.LoadFile(file).Sections.GetValueOrDefault("backup"), file);
            if (options is null)
            {
                return Outcome.Fail(ExitCodes.BadConfig, string.Join("; ", errors.Select(e => e.ToString())));
            }
            return await operation(ctx, options, token);
        });
}
