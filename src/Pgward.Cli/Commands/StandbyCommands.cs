using System.CommandLine;
using Pgward.Cluster;
using Pgward.Cluster.Clone;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Switchover;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Processes;

namespace Pgward.Cli.Commands;

public static class StandbyCommands
{
    public static Command Build(CommandRunner runner)
    {
        var standby = new Command("standby", "clone, register, unregister, promote and re-point standbys");
        standby.Add(BuildClone(runner));
        standby.Add(BuildRegister(runner));
        standby.Add(BuildUnregister(runner));
        standby.Add(BuildSwitchover(runner));
        standby.Add(BuildPromote(runner));
        standby.Add(BuildFollow(runner));
        standby.Add(BuildRestoreCommand(runner));
        return standby;
    }

    private static Command BuildPromote(CommandRunner runner)
    {
        var dryRun = CommonOptions.DryRun();
        var force = CommonOptions.Force();
        force.Description = "promote even though the recorded primary still runs (two primaries would then take writes)";
        var siblingsFollow = new Option<bool>("--siblings-follow")
        {
            Description = "re-point the other standbys of the former primary to this node, through their agents",
        };
        var promote = new Command("promote", "promote the local standby to primary once the primary has failed") { dryRun, force, siblingsFollow };
        promote.SetAction((parse, ct) => runner.RunAsync(parse,
            async (ctx, token) =>
            {
                if (runner.Environment.GetEnvironmentVariable(StandbyPromote.ElectedTermVariable) is { Length: > 0 } && !parse.GetValue(dryRun))
                {
                    return await new StandbyPromote(ctx).RunElectedAsync(token);
                }
                await DelayedStandby.WarnAsync(ctx, token);
                var siblings = new PromotedSiblings(ctx);
                var found = await siblings.FindAsync(token);
                var outcome = !parse.GetValue(force) && !parse.GetValue(dryRun) && await new AgentPromote(ctx).TryAsync(token) is { } viaAgent
                    ? viaAgent
                    : await new StandbyPromote(ctx).RunAsync(parse.GetValue(force), parse.GetValue(dryRun), token);
                if (outcome.Succeeded && parse.GetValue(dryRun))
                {
                    await siblings.DryRunAsync(found, parse.GetValue(siblingsFollow), token);
                }
                else if (outcome.Succeeded)
                {
                    await siblings.FollowAsync(found, parse.GetValue(siblingsFollow), token);
                }
                return outcome;
            }, ct));
        return promote;
    }

    private static Command BuildFollow(CommandRunner runner)
    {
        var upstream = NumberOptions.NodeId("--upstream-node-id", "the node to follow (default: the current primary)");
        var wait = new Option<bool>("--wait", "-w") { Description = "wait up to primary_follow_timeout for a primary to appear" };
        var dryRun = CommonOptions.DryRun();
        var follow = new Command("follow", "re-point the running local standby at the current primary or another node")
        {
            upstream, wait, dryRun,
        };
        follow.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new StandbyFollow(ctx).RunAsync(
            parse.GetValue(upstream), parse.GetValue(wait), parse.GetValue(dryRun), token), ct));
        return follow;
    }

    private static Command BuildClone(CommandRunner runner)
    {
        var host = new Option<string>("--host", "-h") { Description = "the upstream to clone from", Required = true };
        var port = NumberOptions.Port("its port (default 5432)");
        var user = new Option<string?>("--username", "-U") { Description = "database user (default: the user in conninfo)" };
        var dbname = new Option<string?>("--dbname", "-d") { Description = "database holding the metadata (default: the one in conninfo)" };
        var upstream = NumberOptions.NodeId("--upstream-node-id", "the node to follow (default: the primary)");
        var fast = new Option<bool>("--fast-checkpoint", "-c") { Description = "start the backup with an immediate checkpoint" };
        var dryRun = CommonOptions.DryRun();
        var force = CommonOptions.Force();
        var fromBackup = new Option<bool>("--from-backup")
        {
            Description = "restore the backup server's newest backup instead of copying the upstream; the standby replays the WAL archive "
                + "(restore_command: backup wal-fetch) and then streams from the upstream",
        };
        var backupServer = new Option<string?>("--backup-server")
        {
            Description = "the registered backup server the standby's restore_command fetches WAL from, and --from-backup restores from "
                + "(default: the only one registered)",
        };
        var confOnly = new Option<bool>("--replication-conf-only")
        {
            Description = "only write the standby configuration (primary_conninfo, slot, standby.signal) into a data directory copied "
                + "from the upstream by other means",
        };
        var upstreamConninfo = new Option<string?>("--upstream-conninfo")
        {
            Description = "the primary_conninfo to write, instead of one made from -h/-p/-U (another network for replication; no password in it)",
        };
        var applyDelay = new Option<string?>("--recovery-min-apply-delay")
        {
            Description = "make a delayed standby: recovery_min_apply_delay to write (bare numbers are milliseconds; units ms, s, min, h, d), "
                + "instead of pgward.conf's",
        };
        var clone = new Command("clone", "copy the upstream with pg_basebackup (or restore a backup) and configure this node as its standby")
        {
            host, port, user, dbname, upstream, fast, dryRun, force, fromBackup, backupServer, confOnly, upstreamConninfo, applyDelay,
        };
        clone.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) =>
        {
            TimeSpan? delay = null;
            if (parse.GetValue(applyDelay) is { } delayText)
            {
                if (!ApplyDelays.TryParse(delayText, out var given))
                {
                    return Task.FromResult(Outcome.Fail(ExitCodes.BadConfig, $"--recovery-min-apply-delay: \"{delayText}\" is not {ConfigTypes.ApplyDelay.Expected}"));
                }
                delay = given;
            }
            return new StandbyClone(ctx).RunAsync(
                new CloneRequest(parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(user), parse.GetValue(dbname),
                    parse.GetValue(upstream), parse.GetValue(fast), parse.GetValue(dryRun), parse.GetValue(force))
                {
                    FromBackup = parse.GetValue(fromBackup),
                    BackupServer = parse.GetValue(backupServer),
                    ReplicationConfOnly = parse.GetValue(confOnly),
                    UpstreamConninfo = parse.GetValue(upstreamConninfo),
                    RecoveryMinApplyDelay = delay,
                    Executable = PgwardExecutable.Resolve(runner.Environment.GetEnvironmentVariable),
                }, token);
        }, ct));
        return clone;
    }

    private static Command BuildRestoreCommand(CommandRunner runner)
    {
        var backupServer = new Option<string?>("--backup-server")
        {
            Description = "the registered backup server to fetch WAL from (default: the only one registered)",
        };
        var dryRun = CommonOptions.DryRun();
        var command = new Command("restore-command",
            "set the running local node's restore_command to fetch WAL from the backup server (pgward backup wal-fetch), as standby "
            + "clone does once a backup server is registered: for nodes cloned before that")
        {
            backupServer, dryRun,
        };
        command.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new StandbyRestoreCommand(ctx).RunAsync(
            parse.GetValue(backupServer), PgwardExecutable.Resolve(runner.Environment.GetEnvironmentVariable), parse.GetValue(dryRun), token), ct));
        return command;
    }

    private static Command BuildRegister(CommandRunner runner)
    {
        var upstream = NumberOptions.NodeId("--upstream-node-id", "the node this standby follows (default: the primary)");
        var waitStart = NumberOptions.WholeNumber(
            "--wait-start", "seconds to wait for the local server to accept connections", defaultValue: 30, min: 0, max: 86400, unit: "seconds");
        var force = CommonOptions.Force();
        var dryRun = CommonOptions.DryRun();
        var register = new Command("register", "record the local standby in the cluster metadata") { upstream, waitStart, force, dryRun };
        register.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new StandbyRegister(ctx).RunAsync(
            parse.GetValue(upstream), TimeSpan.FromSeconds(parse.GetValue(waitStart)), parse.GetValue(force), parse.GetValue(dryRun), token), ct));
        return register;
    }

    private static Command BuildUnregister(CommandRunner runner)
    {
        var nodeId = CommonOptions.NodeId("the standby to unregister (default: the local node)");
        var dryRun = CommonOptions.DryRun();
        var unregister = new Command("unregister", "remove a standby's record; replication is untouched") { nodeId, dryRun };
        unregister.SetAction((parse, ct) => runner.RunAsync(parse,
            (ctx, token) => new StandbyUnregister(ctx).RunAsync(parse.GetValue(nodeId), parse.GetValue(dryRun), token), ct));
        return unregister;
    }

    private static Command BuildSwitchover(CommandRunner runner)
    {
        var candidate = new Option<string?>("--candidate") { Description = "the standby to promote, by node ID or name (default: the local node)" };
        var siblingsFollow = new Option<bool>("--siblings-follow") { Description = "re-point the other standbys of the old primary to the new one" };
        var forceRewind = new Option<bool>("--force-rewind") { Description = "let the old primary run pg_rewind when it cannot follow as it is" };
        var dryRun = CommonOptions.DryRun();
        var switchover = new Command("switchover", "promote a streaming standby and make the primary its standby, through the agents (no SSH)")
        {
            candidate, siblingsFollow, forceRewind, dryRun,
        };
        switchover.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new StandbySwitchover(ctx).RunAsync(
            new SwitchoverRequest(parse.GetValue(candidate), parse.GetValue(siblingsFollow), parse.GetValue(dryRun), parse.GetValue(forceRewind)),
            token), ct));
        return switchover;
    }
}
