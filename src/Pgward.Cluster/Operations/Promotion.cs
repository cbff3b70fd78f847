using System.Globalization;
using Npgsql;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Operations;

/// <summary>
/// Asks the local standby to leave recovery: <c>service_promote_command</c> when configured, else
/// <c>pg_promote()</c>, else (when the user may not call it) <c>pg_ctl promote</c>.
/// </summary>
public sealed class Promotion(OperationContext ctx)
{
    private static readonly TimeSpan QuerySlack = TimeSpan.FromSeconds(10);

    /// <summary>Null when the promotion was requested (and, for pg_promote, finished); else what went wrong.</summary>
    public async Task<string?> RequestAsync(NpgsqlConnection local, CancellationToken ct)
    {
        var timeout = ctx.Options.PromoteCheckTimeout;
        if (ctx.Options.ServicePromoteCommand is { Length: > 0 } command)
        {
            return await ShellCommand.RunAsync(ctx, command, timeout, ct);
        }
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        await using var cmd = new NpgsqlCommand(
            string.Create(CultureInfo.InvariantCulture, $"SELECT pg_promote(wait => true, wait_seconds => {seconds})"), local)
        {
            CommandTimeout = seconds + (int)QuerySlack.TotalSeconds,
        };
        try
        {
            return (bool)(await cmd.ExecuteScalarAsync(ct))!
                ? null
                : $"pg_promote() did not finish within {seconds} seconds (promote_check_timeout)";
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            ctx.Reporter.Info($"pg_promote() is not permitted ({e.MessageText}); using pg_ctl promote");
            return await PgCtlPromoteAsync(timeout, ct);
        }
    }

    private async Task<string?> PgCtlPromoteAsync(TimeSpan timeout, CancellationToken ct)
    {
        var (server, outcome) = LocalServer.Create(ctx);
        if (server is null)
        {
            return outcome.Error;
        }
        var result = await server.PgCtl.PromoteAsync(server.DataDirectory, timeout, ct);
        return result.Succeeded ? null : result.Describe();
    }
}
