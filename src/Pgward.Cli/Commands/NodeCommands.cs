using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Pgward.Cli.Json;
using Pgward.Cluster;
using Pgward.Cluster.Checks;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Rejoin;
using Pgward.Core;

namespace Pgward.Cli.Commands;

public static class NodeCommands
{
    public static Command Build(CommandRunner runner)
    {
        var node = new Command("node", "status, health checks, service control and rejoining of the local node");
        node.Add(BuildStatus(runner));
        node.Add(BuildCheck(runner));
        node.Add(BuildService(runner));
        node.Add(BuildRejoin(runner));
        return node;
    }

    private static ServiceAction? ParseServiceAction(ArgumentResult result)
    {
        var word = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (Enum.TryParse<ServiceAction>(word, ignoreCase: true, out var chosen) && Enum.IsDefined(chosen) && !word.Any(char.IsAsciiDigit))
        {
            return chosen;
        }

        result.AddError($"--action: expected start, stop, restart, reload or promote, got \"{word}\"");
        return null;
    }

    private static Command BuildService(CommandRunner runner)
    {
        var action = new Option<ServiceAction?>("--action")
        {
            Description = "start, stop, restart, reload or promote",
            // Read here rather than by System.CommandLine, whose error for a bad word names the .NET type.
            CustomParser = result => ParseServiceAction(result),
        };
        var listActions = new Option<bool>("--list-actions") { Description = "show the command each action runs" };
        var checkpoint = new Option<bool>("--checkpoint") { Description = "run CHECKPOINT before stop or restart, so the shutdown is quick" };
        var dryRun = CommonOptions.DryRun();
        var service = new Command("service", "start, stop, restart, reload or promote the local server (service_*_command or pg_ctl)")
        {
            action, listActions, checkpoint, dryRun,
        };
        service.Validators.Add(result =>
        {
            // GetResult, not GetValue: a word --action could not read is already an error, and GetValue would throw on it.
            if (result.GetResult(action) is null == !result.GetValue(listActions))
            {
                result.AddError("give either --action or --list-actions");
            }
        });
        service.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var operation = new NodeService(ctx);
            if (parse.GetValue(action) is { } chosen)
            {
                return await operation.RunAsync(chosen, parse.GetValue(checkpoint), parse.GetValue(dryRun), token);
            }
            var (commands, outcome) = operation.ListActions();
            foreach (var (each, command) in commands)
            {
                runner.Environment.Out.WriteLine($"{each.ToString().ToLowerInvariant()}: {command}");
            }
            return outcome;
        }, ct));
        return service;
    }

    private static Command BuildRejoin(CommandRunner runner)
    {
        var dbname = new Option<string>("--dbname", "-d") { Description = "conninfo of any reachable node of the cluster", Required = true };
        var forceRewind = new Option<bool>("--force-rewind") { Description = "run pg_rewind when this node's timeline has forked off the primary's" };
        var configFiles = new Option<string?>("--config-files")
        {
            Description = "comma-separated extra files to keep across pg_rewind (relative to the data directory, or absolute)",
        };
        var reclone = new Option<bool>("--reclone") { Description = "clone this node afresh from the primary when it cannot be rewound" };
        var dryRun = CommonOptions.DryRun();
        var rejoin = new Command("rejoin", "bring the stopped local node back as a standby of the current primary")
        {
            dbname, forceRewind, configFiles, reclone, dryRun,
        };
        rejoin.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new NodeRejoin(ctx).RunAsync(
            new RejoinRequest(parse.GetValue(dbname)!, parse.GetValue(forceRewind), SplitList(parse.GetValue(configFiles)),
                parse.GetValue(dryRun), parse.GetValue(reclone)), token), ct));
        return rejoin;
    }

    private static string[] SplitList(string? list) =>
        list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Command BuildStatus(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        var status = new Command("status", "overview of the local node: version, role, replication, lag") { json, csv };
        status.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(csv))
            {
                result.AddError("give --json or --csv, not both");
            }
        });
        status.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var input = await NodeInspection.InspectAsync(ctx, token);
            var view = NodeStatusView.From(input);
            if (parse.GetValue(json))
            {
                runner.Environment.Out.WriteLine(JsonSerializer.Serialize(view, PgwardJson.Context.NodeStatusJson));
            }
            else if (parse.GetValue(csv))
            {
                NodeStatusView.WriteCsv(runner.Environment.Out, view);
            }
            else
            {
                NodeStatusView.WriteText(runner.Environment.Out, view);
            }
            return view.Running ? Outcome.Ok : new Outcome(ExitCodes.NodeStatus);
        }, ct));
        return status;
    }

    private static Command BuildCheck(CommandRunner runner)
    {
        var single = new (CheckKind Kind, Option<bool> Option)[]
        {
            (CheckKind.Role, new("--role") { Description = "registered role matches the running role" }),
            (CheckKind.ReplicationLag, new("--replication-lag") { Description = "standby replay lag against replication_lag_warning/critical" }),
            (CheckKind.ArchiveReady, new("--archive-ready") { Description = "WAL files waiting to be archived against archive_ready_warning/critical" }),
            (CheckKind.Downstream, new("--downstream") { Description = "registered standbys of this node are attached" }),
            (CheckKind.Upstream, new("--upstream") { Description = "this standby streams from its registered upstream" }),
            (CheckKind.Slots, new("--slots") { Description = "no inactive physical replication slots" }),
            (CheckKind.MissingSlots, new("--missing-slots") { Description = "the slots of the standbys registered to stream from this node exist" }),
            (CheckKind.DataDirectoryConfig, new("--data-directory-config") { Description = "data_directory in pgward.conf is the server's" }),
            (CheckKind.Agent, new("--agent", "--repmgrd") { Description = "the local agent runs (CRITICAL) and is not paused (WARNING); not in the full check" }),
        };
        var nagios = CommonOptions.Nagios();
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        csv.Description = "output as CSV (the full check only)";
        var check = new Command("check", "health checks: all of them, or one with Nagios exit codes 0/1/2/3") { nagios, json, csv };
        foreach (var (_, option) in single)
        {
            check.Add(option);
        }
        check.Validators.Add(result =>
        {
            var chosen = single.Count(s => result.GetValue(s.Option));
            if (chosen > 1)
            {
                result.AddError("give at most one individual check");
            }
            if (result.GetValue(nagios) && chosen != 1)
            {
                result.AddError("--nagios can only be used with one individual check, e.g. --replication-lag --nagios");
            }
            if (result.GetValue(csv) && (chosen > 0 || result.GetValue(json) || result.GetValue(nagios)))
            {
                result.AddError("--csv is the full check's output: give it without an individual check, --json or --nagios");
            }
        });
        check.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var chosen = single.Where(s => parse.GetValue(s.Option)).Select(s => (CheckKind?)s.Kind).FirstOrDefault();
            var input = chosen == CheckKind.Agent
                ? new NodeCheckInput(ctx.Options, null, null, [], false) { Agent = await NodeInspection.SightAgentAsync(ctx, token) }
                : await NodeInspection.InspectAsync(ctx, token);
            var results = chosen is { } kind ? [NodeCheckEvaluator.Evaluate(kind, input)] : NodeCheckEvaluator.EvaluateAll(input);
            NodeCheckOutput.Write(runner.Environment.Out, ctx.Options, results,
                single: chosen is not null, nagios: parse.GetValue(nagios), json: parse.GetValue(json), csv: parse.GetValue(csv));
            return new Outcome((int)results.Max(r => r.Status));
        }, ct));
        return check;
    }
}
