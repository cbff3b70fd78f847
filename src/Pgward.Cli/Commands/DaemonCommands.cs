using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pgward.Agent;
using Pgward.Agent.Fencing;
using Pgward.Backup;
using Pgward.Core.Config;
using Pgward.Cli.Daemon;
using Pgward.Cli.Json;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Logging;
using Pgward.Core.Metadata;
using Pgward.Core.Processes;

namespace Pgward.Cli.Commands;

/// <summary><c>pgward daemon run|start|stop|status</c>: the per-node agent in the foreground or the background.</summary>
public static class DaemonCommands
{
    /// <summary>Environment variable naming the executable <c>daemon start</c> runs; default: this process's own.</summary>
    public const string ExecutableVariable = PgwardExecutable.Variable;

    public static Command Build(CommandRunner runner)
    {
        var daemon = new Command("daemon", "the node agent: health checks and control endpoints over HTTP");
        daemon.Add(BuildRun(runner));
        daemon.Add(BuildStart(runner));
        daemon.Add(BuildStop(runner));
        daemon.Add(BuildStatus(runner));
        daemon.Add(BuildDeadManSwitch(runner));
        daemon.Add(BuildPause(runner, paused: true));
        daemon.Add(BuildPause(runner, paused: false));
        return daemon;
    }

    private static Command BuildRun(CommandRunner runner)
    {
        var run = new Command("run", "run the agent in the foreground (for systemd); Ctrl-C or SIGTERM stops it");
        run.SetAction((parse, ct) => IsBackupServer(parse, runner.Environment)
            ? BackupCommandGroup.RunAsync(runner, parse, BackupDaemon.RunAsync, ct, daemon: LogSubsystems.Backup)
            : runner.RunAsync(parse, RunAgentAsync, ct, daemon: LogSubsystems.Operation));
        return run;
    }

    private static Task<Outcome> RunAgentAsync(OperationContext ctx, CancellationToken ct) =>
        NodeDirectoryClaim.Claim(ctx.Options) is { } refusal
            ? Task.FromResult(Outcome.Fail(ExitCodes.BadConfig, refusal, hint: NodeDirectoryClaim.Fix(ctx.Options.ConfigFile)))
            : AgentHost.RunAsync(ctx, ct);

    // A backup server's pgward.conf has a [backup] section and none of a node's own settings.
    private static bool IsBackupServer(ParseResult parse, CliEnvironment env)
    {
        var load = ConfigLoader.Load(parse.GetValue<string?>("--config-file"), env.GetEnvironmentVariable, env.CurrentDirectory);
        return load.Options is null && load.Sections.ContainsKey("backup") && load.Sections.GetValueOrDefault("")?.ContainsKey("node_id") != true;
    }

    private static Command BuildStart(CommandRunner runner)
    {
        var start = new Command("start", "start the agent in the background, with a PID file, and wait until it answers");
        start.SetAction((parse, ct) =>
        {
            var backupServer = IsBackupServer(parse, runner.Environment);
            return runner.RunAsync(parse, (ctx, token) => Process(ctx, runner.Environment, backupServer).StartAsync(token), ct, backupServer);
        });
        return start;
    }

    private static Command BuildStop(CommandRunner runner)
    {
        var timeout = NumberOptions.WholeNumber("--timeout", "seconds to wait after SIGTERM before SIGKILL", defaultValue: 90, min: 1, max: 86400, unit: "seconds");
        var stop = new Command("stop", "stop the background agent (SIGTERM, then SIGKILL after --timeout). A standby's or witness's "
            + "PostgreSQL runs on. On the primary, with automatic failover, the agent first hands the primary role over "
            + "(CHECKPOINT, fast stop, a standby elected at once, nothing lost) and its PostgreSQL stays stopped until the "
            + "agent runs again and rejoins it as a standby; while the cluster is paused (daemon pause) it leaves PostgreSQL "
            + "running and writable, unfenced until the agent is back") { timeout };
        stop.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) =>
            Process(ctx, runner.Environment).StopAsync(TimeSpan.FromSeconds(parse.GetValue(timeout)), token), ct,
            IsBackupServer(parse, runner.Environment)));
        return stop;
    }

    /// <summary>The dead-man switch the agent starts beside itself; not for people to run.</summary>
    private static Command BuildDeadManSwitch(CommandRunner runner)
    {
        var command = new Command("dead-man-switch", "started by the agent: stops the local primary when the agent stops renewing its lease")
        {
            Hidden = true,
        };
        command.SetAction((parse, ct) => runner.RunAsync(parse, DeadManSwitch.RunAsync, ct));
        return command;
    }

    private static Command BuildStatus(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        var detail = new Option<bool>("--detail") { Description = "add each node's location and priority, as repmgr's service status does" };
        var status = new Command("status", "every registered node's agent: reachable, PID, URL") { json, csv, detail };
        status.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var (source, outcome) = await ClusterMetadata.ReadAsync(ctx, token);
            if (source is null)
            {
                return outcome;
            }
            using var client = new AgentClient(ctx.Options, ctx.Time);
            var rows = await Task.WhenAll(source.Nodes.Select(node => StatusOfAsync(client, node, token)));
            if (parse.GetValue(csv))
            {
                WriteCsv(runner.Environment.Out, rows);
            }
            else
            {
                Write(runner.Environment.Out, rows, parse.GetValue(json), parse.GetValue(detail));
            }
            return Outcome.Ok;
        }, ct));
        return status;
    }

    /// <summary><c>daemon pause</c> / <c>unpause</c> (<see cref="DaemonPause"/>).</summary>
    private static Command BuildPause(CommandRunner runner, bool paused)
    {
        var word = paused ? "pause" : "unpause";
        var command = new Command(word, paused
            ? "stop every node's daemon from taking automatic action (survives restarts)"
            : "let every node's daemon act again");
        command.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new DaemonPause(ctx).RunAsync(paused, token), ct));
        return command;
    }

    private static async Task<DaemonStatusJson> StatusOfAsync(AgentClient client, NodeRecord node, CancellationToken ct)
    {
        if (node.AgentUrl is not { Length: > 0 } url)
        {
            return new DaemonStatusJson(node.NodeId, node.NodeName, node.Type.ToName(), false, null, null, "no agent URL registered",
                Priority: node.Priority, Location: node.Location);
        }
        var reply = await client.GetNodeAsync(url, ct);
        return new DaemonStatusJson(node.NodeId, node.NodeName, node.Type.ToName(), reply.Succeeded, reply.Body?.AgentPid, url,
            reply.Succeeded ? null : reply.Error, reply.Succeeded ? reply.Body?.Paused : null, reply.Body?.UpstreamLastSeenSecondsAgo,
            reply.Body?.FailoverTerm, reply.Body?.FailoverState, reply.Body?.FailoverNote,
            reply.Succeeded ? reply.Body?.PgRunning : null, node.Priority, node.Location);
    }

    private static void Write(TextWriter output, IReadOnlyList<DaemonStatusJson> rows, bool json, bool detail)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(rows, PgwardJson.Context.IReadOnlyListDaemonStatusJson));
            return;
        }
        string[] headers = detail
            ? ["ID", "Name", "Role", "Location", "Priority", "Agent", "PID", "Paused?", "Upstream last seen", "Term", "Failover", "URL"]
            : ["ID", "Name", "Role", "Agent", "PID", "Paused?", "Upstream last seen", "Term", "Failover", "URL"];
        TableWriter.Write(output, headers, rows.Select(r => (string[])
        [
            r.NodeId.ToString(CultureInfo.InvariantCulture), r.NodeName, r.Role,
            .. detail ? (string[])[r.Location, r.Priority.ToString(CultureInfo.InvariantCulture)] : [],
            r.AgentReachable ? "running" : "not reachable",
            r.Pid?.ToString(CultureInfo.InvariantCulture) ?? "n/a", r.Paused switch { true => "yes", false => "no", null => "n/a" },
            r.UpstreamLastSeenSecondsAgo is { } ago ? string.Create(CultureInfo.InvariantCulture, $"{ago:0.0} s ago") : "n/a",
            r.Term?.ToString(CultureInfo.InvariantCulture) ?? "n/a", r.Failover ?? "n/a",
            r.Url ?? "",
        ]));
        foreach (var note in rows.Where(r => r.FailoverNote is not null))
        {
            output.WriteLine($"node {note.NodeId} ({note.NodeName}): {note.FailoverNote}");
        }
    }

    /// <summary>repmgr's <c>service status --csv</c> fields: id, name, type, server running (1/0, -1 when its agent does not
    /// answer), agent running (1/0), agent PID (-1), paused (1/0/-1), priority, upstream last seen in whole seconds
    /// (-1), location.</summary>
    private static void WriteCsv(TextWriter output, IReadOnlyList<DaemonStatusJson> rows)
    {
        foreach (var r in rows)
        {
            output.WriteLine(string.Join(',',
                r.NodeId.ToString(CultureInfo.InvariantCulture), Csv.Field(r.NodeName), r.Role,
                r.ServerRunning switch { true => "1", false => "0", null => "-1" },
                r.AgentReachable ? "1" : "0",
                (r.Pid ?? -1).ToString(CultureInfo.InvariantCulture),
                r.Paused switch { true => "1", false => "0", null => "-1" },
                r.Priority.ToString(CultureInfo.InvariantCulture),
                r.UpstreamLastSeenSecondsAgo is { } ago ? ((long)ago).ToString(CultureInfo.InvariantCulture) : "-1",
                Csv.Field(r.Location)));
        }
    }

    private static DaemonProcess Process(OperationContext ctx, CliEnvironment env, bool backupServer = false) =>
        new(ctx, DaemonFiles.For(ctx.Options), PgwardExecutable.Resolve(env.GetEnvironmentVariable), backupServer);
}
