using Npgsql;
using Pgward.Cluster.Backups;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Metadata;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Clone;

/// <summary>
/// <c>pgward standby clone -h HOST ...</c>: checks the upstream and the local data directory, then runs
/// pg_basebackup with streamed WAL and writes the standby configuration. It does not start the standby. With
/// <c>--replication-conf-only</c> it writes the configuration alone, into a data directory copied by other means.
/// </summary>
public sealed partial class StandbyClone(OperationContext ctx)
{
    public async Task<Outcome> RunAsync(CloneRequest request, CancellationToken ct)
    {
        if (request.ReplicationConfOnly)
        {
            return await WriteConfigurationOnlyAsync(request, ct);
        }
        var options = ctx.Options;
        var (local, problem) = LocalServer.Create(ctx);
        if (local is null)
        {
            return problem;
        }
        var binaries = local.Binaries;
        var account = local.Account;
        var dataDirectory = DataDirectoryState.Inspect(options.DataDirectory);
        if (dataDirectory.Refusal(request.Force) is { } refusal)
        {
            return refusal;
        }

        var (upstream, refused) = await OpenUpstreamAsync(request, ct);
        if (upstream is null)
        {
            return refused!;
        }
        await using var _ = upstream;
        var (source, replication, primaryConninfo, connection, facts, checkLevel, portCheck, portToSet, upstreamPort) = upstream;
        var slotName = NodeRecords.SlotName(options.NodeId);
        var checks = new List<CloneCheck> { CloneCheck.Pass("data directory", dataDirectory.Describe(request.Force)) };
        checks.AddRange(UpstreamChecks.Evaluate(facts, binaries.MajorVersion, options.UseReplicationSlots, slotName, request.Force));
        checks.Add(await UpstreamChecks.ReplicationConnectionAsync(replication, facts.SystemIdentifier, ct));
        if (request.UpstreamConninfo is not null)
        {
            checks.Add(await UpstreamChecks.UpstreamConninfoAsync(primaryConninfo, facts.SystemIdentifier, ct));
        }
        checks.Add(portCheck);
        var (extraArguments, optionsCheck) = BaseBackupOptions.Parse(options.PgBasebackupOptions);
        if (options.PgBasebackupOptions.Trim().Length > 0)
        {
            checks.Add(request.FromBackup
                ? CloneCheck.Pass(optionsCheck.Name, "not used: --from-backup restores a backup instead of running pg_basebackup")
                : optionsCheck);
        }
        var (backupUrl, backupCheck) = await CloneRestoreCommand.FindAsync(connection, request.BackupServer, ct);
        checks.Add(backupCheck);
        if (Report(checks, checkLevel, "the upstream is not ready to be cloned from") is { } failed)
        {
            return failed;
        }

        var metadata = new MetadataStore(connection);
        var upstreamRecord = await FindUpstreamRecordAsync(metadata, request, ct);
        var useSlot = options.UseReplicationSlots;
        var args = BaseBackupArguments(options.DataDirectory, replication.ToString(), request.FastCheckpoint, useSlot ? slotName : null, extraArguments);
        if (request.DryRun)
        {
            var shown = BaseBackupArguments(options.DataDirectory, replication.ToMaskedString(), request.FastCheckpoint, useSlot ? slotName : null,
                extraArguments);
            ctx.Reporter.Notice(upstreamRecord is null
                ? "the standby will follow the upstream at -h/-p (no node record found for it)"
                : $"the standby will follow {upstreamRecord.Describe()}");
            ctx.Reporter.Notice($"would run: {CommandLine.Format(binaries.Tool("pg_basebackup"), shown)}");
            ctx.Reporter.Notice($"would write primary_conninfo{(useSlot ? ", primary_slot_name" : "")}{(portToSet is null ? "" : ", port")}"
                + $"{(backupUrl is null ? "" : ", restore_command")}{(ApplyDelaySetting(request) is { } d ? $", recovery_min_apply_delay = '{d}'" : "")} "
                + $"to postgresql.auto.conf and create standby.signal");
            ctx.Reporter.Notice("prerequisites for cloning are met");
            if (!request.FastCheckpoint)
            {
                ctx.Reporter.Hint("consider using -c/--fast-checkpoint");
            }
            return Outcome.Ok;
        }

        if (useSlot && facts.Slots.Any(s => s.SlotName == slotName))
        {
            await ReplicationSlots.DropIfInactiveAsync(connection, slotName, ct);
        }
        // --from-backup: the backup server's newest backup instead of pg_basebackup; the rest of the clone is the same.
        if (request.FromBackup
            && await RestoreBackupAsync(connection, facts.SystemIdentifier, FromBackup(request), dataDirectory, account, useSlot ? slotName : null, ct)
                is { Succeeded: false } restore)
        {
            return restore;
        }
        var result = !request.FromBackup ? await RunBaseBackupAsync(binaries, account, args, dataDirectory, ct) : new ProcessResult(0, "", "", false);
        var details = $"cloned from host \"{source.Host}\", port {source.Port}; backup method: {(!request.FromBackup ? "pg_basebackup" : "backup server")}; --force: {(request.Force ? "Y" : "N")}";
        if (!result.Succeeded)
        {
            await ctx.Events.RecordAsync(facts.InRecovery ? null : metadata,
                new ClusterEvent(options.NodeId, options.NodeName, "standby_clone", false, details + "; pg_basebackup failed", upstreamRecord), ct);
            return Outcome.Fail(ExitCodes.BadBaseBackup, "pg_basebackup failed; the data directory was emptied again",
                detail: result.StandardError.Trim());
        }

        await StandbyConfiguration.WriteAsync(options.DataDirectory, primaryConninfo, useSlot ? slotName : null, ct);
        if (portToSet is { } port)
        {
            // postgresql.auto.conf, beside primary_conninfo: it is read after postgresql.conf, so the copied port line
            // stays as the upstream wrote it, and node rejoin keeps the file across pg_rewind.
            var text = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await StandbyConfiguration.SetAsync(Path.Combine(options.DataDirectory, StandbyConfiguration.AutoConfFile),
                new Dictionary<string, string?> { ["port"] = text }, ct);
            ctx.Reporter.Notice($"port = {text} written to postgresql.auto.conf, as the node's conninfo says (the configuration copied from the upstream says port {upstreamPort})");
        }
        if (backupUrl is not null)
        {
            await WriteRestoreCommandAsync(request, backupUrl, ct);
        }
        await WriteApplyDelayAsync(request, ct);
        await account.ChownAsync(options.DataDirectory, ct);
        await ctx.Events.RecordAsync(facts.InRecovery ? null : metadata,
            new ClusterEvent(options.NodeId, options.NodeName, "standby_clone", true, details, upstreamRecord), ct);
        ctx.Reporter.Notice($"standby clone (using {(!request.FromBackup ? "pg_basebackup" : "a backup and the WAL archive")}) complete in \"{options.DataDirectory}\"");
        ctx.Reporter.Hint("start the standby, then register it with \"pgward standby register\"");
        return Outcome.Ok;
    }

    /// <summary>The upstream as both kinds of clone see it: connected (the failure to return when it cannot be), read,
    /// and the port the standby is to listen on.</summary>
    /// <param name="Replication">How pg_basebackup connects, and primary_conninfo unless <paramref name="PrimaryConninfo"/>
    /// differs: application_name is always node_name, for the upstream's pg_stat_replication names its standbys by it.</param>
    /// <param name="PrimaryConninfo">primary_conninfo: <c>--upstream-conninfo</c> when given, else <paramref name="Replication"/>.</param>
    /// <param name="CheckLevel">A dry run exists to show the checks: at the default level too, as repmgr's does.</param>
    private sealed record Upstream(Conninfo Source, Conninfo Replication, Conninfo PrimaryConninfo, NpgsqlConnection Connection,
        ServerFacts Facts, ReportLevel CheckLevel, CloneCheck PortCheck, int? PortToSet, int UpstreamPort) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    private async Task<(Upstream? Upstream, Outcome? Refused)> OpenUpstreamAsync(CloneRequest request, CancellationToken ct)
    {
        var options = ctx.Options;
        var source = SourceConninfo(request);
        var replication = source
            .With("user", options.ReplicationUser is { Length: > 0 } replicationUser ? replicationUser : source.User)
            .With("application_name", options.NodeName);
        var (primaryConninfo, refused) = PrimaryConninfo(request, replication);
        if (primaryConninfo is null)
        {
            return (null, refused);
        }
        var attempt = await ctx.Db.TryOpenAsync(source.ToString(), ct);
        if (attempt.Connection is not { } connection)
        {
            return (null, Outcome.Fail(ExitCodes.DbConnection, $"unable to connect to the upstream at {source.ToMaskedString()}: {attempt.Error}",
                hint: "check -h/-p/-U/-d and that the upstream accepts connections from this host"));
        }
        try
        {
            var checkLevel = request.DryRun ? ReportLevel.Notice : ReportLevel.Info;
            ctx.Reporter.Report(checkLevel, $"connected to the upstream at {source.ToMaskedString()}");
            var facts = await ServerProbe.ReadAsync(connection, ct);
            var upstreamPort = await UpstreamPortAsync(connection, ct);
            var (portCheck, portToSet) = ClonePort.Decide(Conninfo.Parse(options.Conninfo), upstreamPort);
            return (new Upstream(source, replication, primaryConninfo, connection, facts, checkLevel, portCheck, portToSet, upstreamPort), null);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>primary_conninfo: <c>--upstream-conninfo</c> (with node_name as application_name, and the replication user
    /// when it names none), else the replication conninfo. A text that does not parse, or holds a password, is refused:
    /// the password belongs in the password file, not in postgresql.auto.conf, which every clone and backup copies.</summary>
    private (Conninfo? Conninfo, Outcome? Refused) PrimaryConninfo(CloneRequest request, Conninfo replication)
    {
        if (request.UpstreamConninfo is not { } text)
        {
            return (replication, null);
        }
        if (!Conninfo.TryParse(text, out var given, out var error))
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, $"--upstream-conninfo is not a connection string: {error}"));
        }
        if (given!["password"] is not null)
        {
            return (null, Outcome.Fail(ExitCodes.BadConfig, "--upstream-conninfo holds a password",
                hint: "leave it out: the standby reads it from the password file (~postgres/.pgpass, or passfile= in the connection string)"));
        }
        return (given.With("user", given.User ?? replication.User).With("application_name", ctx.Options.NodeName), null);
    }

    // postgresql.auto.conf, beside primary_conninfo: standby follow and node rejoin rewrite only their own settings there,
    // so the standby keeps fetching WAL from the backup server whoever it follows.
    private async Task WriteRestoreCommandAsync(CloneRequest request, string backupUrl, CancellationToken ct)
    {
        var command = WalFetchCommand.Render(Executable(request),
            ctx.Options.ConfigFile ?? "pgward.conf", backupUrl);
        await StandbyConfiguration.SetAsync(Path.Combine(ctx.Options.DataDirectory, StandbyConfiguration.AutoConfFile),
            new Dictionary<string, string?> { ["restore_command"] = command }, ct);
        ctx.Reporter.Notice($"restore_command fetches WAL from the backup server at {backupUrl} (pgward backup wal-fetch)");
    }

    /// <summary>recovery_min_apply_delay to write, as PostgreSQL reads it ("1h"): <c>--recovery-min-apply-delay</c>, else
    /// pgward.conf's; null for none (zero). A clone copies the upstream's own postgresql.auto.conf otherwise untouched.</summary>
    private string? ApplyDelaySetting(CloneRequest request) =>
        (request.RecoveryMinApplyDelay ?? ctx.Options.RecoveryMinApplyDelay) is var delay && delay > TimeSpan.Zero ? ApplyDelays.Format(delay) : null;

    private async Task WriteApplyDelayAsync(CloneRequest request, CancellationToken ct)
    {
        if (ApplyDelaySetting(request) is not { } delay)
        {
            return;
        }
        await StandbyConfiguration.SetAsync(Path.Combine(ctx.Options.DataDirectory, StandbyConfiguration.AutoConfFile),
            new Dictionary<string, string?> { ["recovery_min_apply_delay"] = delay }, ct);
        ctx.Reporter.Notice($"recovery_min_apply_delay = '{delay}' written to postgresql.auto.conf: a delayed standby, which the agents "
            + "never promote by themselves");
    }

    private static IReadOnlyList<string> Executable(CloneRequest request) =>
        request.Executable ?? PgwardExecutable.Resolve(Environment.GetEnvironmentVariable);

    private static CloneFromBackup FromBackup(CloneRequest request) => new(request.BackupServer, Executable(request));

    private Conninfo SourceConninfo(CloneRequest request)
    {
        var local = Conninfo.Parse(ctx.Options.Conninfo);
        var source = Conninfo.Parse("")
            .With("host", request.Host)
            .With("port", (request.Port ?? 5432).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("user", request.User ?? local.User)
            .With("dbname", request.DbName ?? local.DbName ?? "postgres")
            .With("connect_timeout", local["connect_timeout"] ?? "2")
            // TLS and the password file as this node connects: pg_basebackup and primary_conninfo need them too.
            .WithSecurityOf(local);
        return source;
    }

    private static async Task<NodeRecord?> FindUpstreamRecordAsync(MetadataStore metadata, CloneRequest request, CancellationToken ct)
    {
        if (!await metadata.SchemaExistsAsync(ct))
        {
            return null;
        }
        var nodes = await metadata.GetNodesAsync(ct);
        return request.UpstreamNodeId is { } id
            ? nodes.FirstOrDefault(n => n.NodeId == id)
            : nodes.FirstOrDefault(n => n.Type == NodeType.Primary && n.Active);
    }

    private static async Task<int> UpstreamPortAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_setting('port')::int", connection);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <param name="replication">The replication conninfo as text; masked when the arguments are only shown.</param>
    /// <param name="extra">pg_basebackup_options, checked (<see cref="BaseBackupOptions"/>).</param>
    private static IReadOnlyList<string> BaseBackupArguments(string dataDirectory, string replication, bool fastCheckpoint, string? slot,
        IReadOnlyList<string> extra)
    {
        var args = new List<string>
        {
            "--pgdata", dataDirectory,
            "--dbname", replication,
            "--wal-method", "stream",
            "--checkpoint", fastCheckpoint ? "fast" : "spread",
            "--label", "pgward base backup",
            "--progress",
            "--no-password",
        };
        if (slot is not null)
        {
            args.AddRange(["--slot", slot, "--create-slot"]);
        }
        args.AddRange(extra);
        return args;
    }

    private async Task<Outcome> RestoreBackupAsync(NpgsqlConnection upstream, ulong systemId, CloneFromBackup from, DataDirectoryState directory,
        ServerAccount account, string? slot, CancellationToken ct)
    {
        await directory.PrepareAsync(account, ct);
        try
        {
            if ((await new BackupClone(ctx).PullAsync(upstream, systemId, from, directory.Path, ct)).Outcome is { Succeeded: false } refused)
            {
                directory.Empty();
                return refused;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException)
        {
            directory.Empty();
            if (e is OperationCanceledException)
            {
                throw;
            }
            return Outcome.Fail(ExitCodes.BadBaseBackup, $"restoring the backup failed: {e.Message}", detail: "the data directory was emptied again");
        }
        // What pg_basebackup --create-slot does: the upstream keeps the WAL from now on for this standby.
        if (slot is not null)
        {
            await ReplicationSlots.EnsureAsync(upstream, slot, ct);
        }
        return Outcome.Ok;
    }

    private async Task<ProcessResult> RunBaseBackupAsync(
        PgBinaries binaries, ServerAccount account, IReadOnlyList<string> args, DataDirectoryState directory, CancellationToken ct)
    {
        await directory.PrepareAsync(account, ct);
        ctx.Reporter.Notice($"starting backup (using pg_basebackup) into \"{directory.Path}\"");
        ProcessResult result;
        try
        {
            result = await ctx.Processes.RunAsync(
                new ProcessRequest(binaries.Tool("pg_basebackup"), args)
                {
                    RunAs = account.UserName,
                    OnOutputLine = line => ctx.Reporter.Progress(line.Trim()),
                },
                ct);
        }
        catch (OperationCanceledException)
        {
            directory.Empty();
            throw;
        }
        if (!result.Succeeded)
        {
            directory.Empty();
        }
        return result;
    }
}
