using Pgward.Cluster.Rejoin;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cluster.Clone;

/// <summary>
/// <c>standby clone --replication-conf-only</c>, as repmgr's: the data directory was copied from the upstream by other
/// means (a pg_basebackup of one's own, another tool's restore); pgward checks that it is a copy of the upstream's
/// cluster and that the upstream can feed it, then writes what a clone writes besides the data: <c>primary_conninfo</c>,
/// the slot, <c>port</c> and <c>restore_command</c> in <c>postgresql.auto.conf</c>, and <c>standby.signal</c>.
/// </summary>
public sealed partial class StandbyClone
{
    private async Task<Outcome> WriteConfigurationOnlyAsync(CloneRequest request, CancellationToken ct)
    {
        var options = ctx.Options;
        if (request.FromBackup)
        {
            return Outcome.Fail(ExitCodes.BadConfig, "--replication-conf-only and --from-backup cannot be given together",
                hint: "--replication-conf-only writes the configuration of a data directory that is already there; --from-backup makes one");
        }
        var (local, problem) = LocalServer.Create(ctx);
        if (local is null)
        {
            return problem;
        }
        if (Refusal(local) is { } refusal)
        {
            return refusal;
        }
        var (control, controlProblem) = await new RewindTool(local, ctx.Processes).ReadControlDataAsync(ct);
        if (control is null)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"unable to read the control data of \"{options.DataDirectory}\" (pg_controldata)",
                detail: controlProblem);
        }

        var (upstream, refused) = await OpenUpstreamAsync(request, ct);
        if (upstream is null)
        {
            return refused!;
        }
        await using var _ = upstream;
        var (source, replication, primaryConninfo, connection, facts, checkLevel, portCheck, portToSet, upstreamPort) = upstream;
        var slotName = NodeRecords.SlotName(options.NodeId);
        var useSlot = options.UseReplicationSlots;
        var checks = new List<CloneCheck> { CopyCheck(control, facts.SystemIdentifier) };
        checks.AddRange(UpstreamChecks.Evaluate(facts, local.Binaries.MajorVersion, useSlot, slotName, request.Force, configurationOnly: true));
        checks.Add(await UpstreamChecks.ReplicationConnectionAsync(replication, facts.SystemIdentifier, ct));
        if (request.UpstreamConninfo is not null)
        {
            checks.Add(await UpstreamChecks.UpstreamConninfoAsync(primaryConninfo, facts.SystemIdentifier, ct));
        }
        checks.Add(portCheck);
        var (backupUrl, backupCheck) = await CloneRestoreCommand.FindAsync(connection, request.BackupServer, ct);
        checks.Add(backupCheck);
        if (Report(checks, checkLevel, "the replication configuration cannot be written") is { } failed)
        {
            return failed;
        }

        var metadata = new MetadataStore(connection);
        var upstreamRecord = await FindUpstreamRecordAsync(metadata, request, ct);
        var written = $"primary_conninfo{(useSlot ? ", primary_slot_name" : "")}{(portToSet is null ? "" : ", port")}"
            + $"{(backupUrl is null ? "" : ", restore_command")}{(ApplyDelaySetting(request) is { } d ? $", recovery_min_apply_delay = '{d}'" : "")} "
            + "in postgresql.auto.conf, and standby.signal";
        var autoConf = Path.Combine(options.DataDirectory, StandbyConfiguration.AutoConfFile);
        var targets = RecoveryTargets(autoConf);
        if (targets.Count > 0)
        {
            ctx.Reporter.Notice($"{(request.DryRun ? "would remove" : "removing")} {string.Join(", ", targets)} from postgresql.auto.conf "
                + "(left by the restore that made this copy): a standby with a recovery target stops replaying there");
        }
        if (request.DryRun)
        {
            ctx.Reporter.Notice(upstreamRecord is null
                ? "the standby will follow the upstream at -h/-p (no node record found for it)"
                : $"the standby will follow {upstreamRecord.Describe()}");
            ctx.Reporter.Notice($"would write {written}{(useSlot ? $", and create replication slot \"{slotName}\" on the upstream if it is missing" : "")}");
            ctx.Reporter.Notice("prerequisites for writing the replication configuration are met");
            return Outcome.Ok;
        }

        if (useSlot)
        {
            await ReplicationSlots.EnsureAsync(connection, slotName, ct);
        }
        await StandbyConfiguration.WriteAsync(options.DataDirectory, primaryConninfo, useSlot ? slotName : null, ct);
        var settings = targets.ToDictionary(name => name, string? (_) => null);
        if (portToSet is { } port)
        {
            settings["port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (settings.Count > 0)
        {
            await StandbyConfiguration.SetAsync(autoConf, settings, ct);
        }
        if (backupUrl is not null)
        {
            await WriteRestoreCommandAsync(request, backupUrl, ct);
        }
        await WriteApplyDelayAsync(request, ct);
        await local.Account.ChownAsync(options.DataDirectory, ct);
        var details = $"replication configuration written for the copy of host \"{source.Host}\", port {source.Port}";
        await ctx.Events.RecordAsync(facts.InRecovery ? null : metadata,
            new ClusterEvent(options.NodeId, options.NodeName, "standby_clone", true, details, upstreamRecord), ct);
        ctx.Reporter.Notice($"wrote {written} in \"{options.DataDirectory}\"");
        ctx.Reporter.Hint("start the standby (pgward node service --action=start), then register it with \"pgward standby register\"");
        return Outcome.Ok;
    }

    /// <summary>The recovery targets a point-in-time restore by another tool left in postgresql.auto.conf
    /// (<c>recovery_target_time</c>, <c>_action</c> ...; not <c>recovery_target_timeline</c>, which a standby follows).</summary>
    private static List<string> RecoveryTargets(string autoConf) =>
        !File.Exists(autoConf) ? []
            : [.. File.ReadAllLines(autoConf)
                .Select(line => line.TrimStart())
                .Where(line => line.StartsWith("recovery_target", StringComparison.Ordinal))
                .Select(line => line.Split([' ', '\t', '='], 2)[0])
                .Where(name => name != "recovery_target_timeline")
                .Distinct(StringComparer.Ordinal)];

    /// <summary>Why the data directory cannot take the configuration: none there, or a server runs in it.</summary>
    private Outcome? Refusal(LocalServer local)
    {
        var directory = ctx.Options.DataDirectory;
        if (!File.Exists(Path.Combine(directory, "PG_VERSION")))
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"data directory \"{directory}\" holds no PostgreSQL cluster (no PG_VERSION)",
                detail: "nothing was changed",
                hint: "--replication-conf-only configures a copy of the upstream made by other means; without it, standby clone makes the copy");
        }
        if (local.RunningPid() is { } pid)
        {
            return Outcome.Fail(ExitCodes.BadConfig, $"a PostgreSQL server (PID {pid}) is running in data directory \"{directory}\"",
                detail: "nothing was changed",
                hint: "stop it first; a standby that runs is pointed at another upstream with \"pgward standby follow\"");
        }
        return null;
    }

    /// <summary>The data directory must be a copy of the upstream's cluster: a standby of another one never streams.</summary>
    private CloneCheck CopyCheck(ControlData control, ulong upstreamSystemIdentifier) =>
        control.SystemIdentifier == upstreamSystemIdentifier
            ? CloneCheck.Pass("data directory", $"\"{ctx.Options.DataDirectory}\" is a copy of the upstream's cluster "
                + $"(system identifier {control.SystemIdentifier})")
            : CloneCheck.Fail("data directory", $"\"{ctx.Options.DataDirectory}\" belongs to another cluster (system identifier "
                + $"{control.SystemIdentifier}, the upstream's is {upstreamSystemIdentifier}): clone it again, with -F and without --replication-conf-only");

    /// <summary>Reports every check; the failure to return when one failed (<paramref name="failure"/>, with the checks
    /// that failed), else null.</summary>
    private Outcome? Report(List<CloneCheck> checks, ReportLevel passedLevel, string failure)
    {
        var failed = checks.Where(c => !c.Passed).ToList();
        foreach (var check in checks.Where(c => c.Passed))
        {
            ctx.Reporter.Report(passedLevel, $"check \"{check.Name}\" passed: {check.Message}");
        }
        foreach (var check in failed)
        {
            ctx.Reporter.Error($"check \"{check.Name}\" failed: {check.Message}");
        }
        return failed.Count == 0 ? null
            : Outcome.Fail(ExitCodes.BadBaseBackup,
                $"{failure} ({failed.Count} failed check{(failed.Count == 1 ? "" : "s")}: {string.Join(", ", failed.Select(c => c.Name))})",
                detail: "nothing was written");
    }
}
