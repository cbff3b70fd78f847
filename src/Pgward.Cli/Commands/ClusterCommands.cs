using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pgward.Cli.Json;
using Pgward.Cli.Output;
using Pgward.Cluster;
using Pgward.Cluster.Matrix;
using Pgward.Cluster.Operations;
using Pgward.Cluster.Show;
using Pgward.Core;
using Pgward.Core.Metadata;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Commands;

public static class ClusterCommands
{
    public static Command Build(CommandRunner runner)
    {
        var cluster = new Command("cluster", "show the cluster and which node reaches which, its event log, and clean up history");
        cluster.Add(BuildShow(runner));
        cluster.Add(BuildMatrix(runner));
        cluster.Add(BuildCrosscheck(runner));
        cluster.Add(BuildEvent(runner));
        cluster.Add(BuildCleanup(runner));
        return cluster;
    }

    private static Command BuildCleanup(CommandRunner runner)
    {
        var keep = NumberOptions.WholeNumber(
            "--keep-history", "keep the monitoring history of the last DAYS days (0: delete all)", defaultValue: 0, min: 0, unit: "days", aliases: "-k");
        var nodeId = CommonOptions.NodeId("only the history of this standby");
        var cleanup = new Command("cleanup", "delete old monitoring history on the primary") { keep, nodeId };
        cleanup.SetAction((parse, ct) => runner.RunAsync(parse,
            (ctx, token) => new ClusterCleanup(ctx).RunAsync(parse.GetValue(keep), parse.GetValue(nodeId), token), ct));
        return cleanup;
    }

    private static Command BuildShow(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        var compact = new Option<bool>("--compact") { Description = "narrower table without the connection string" };
        var terse = new Option<bool>("--terse", "-t") { Description = "do not list the warnings (the exit code still says there are some)" };
        var show = new Command("show", "every registered node: role, observed status, upstream, timeline") { json, csv, compact, terse };
        show.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var (report, outcome) = await new ClusterShow(ctx).RunAsync(token);
            if (report is null)
            {
                return outcome;
            }
            var output = runner.Environment.Out;
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(
                    ClusterShowJson.From(report), PgwardJson.Context.ClusterShowJson));
            }
            else
            {
                // Whose copy of the metadata the roles come from: a node's own copy can be stale (a restarted old primary).
                ctx.Reporter.Notice($"metadata read from {report.ReadFrom}");
                if (!parse.GetValue(terse))
                {
                    WriteWarnings(ctx.Reporter, report);
                }
                if (parse.GetValue(csv))
                {
                    WriteCsv(output, report);
                }
                else
                {
                    WriteTable(output, report, parse.GetValue(compact));
                }
            }
            // An even number of voters (report.LayoutWarning) is a layout to improve, not an inconsistency: exit 0.
            return report.Warnings.Count > 0 ? new Outcome(ExitCodes.NodeStatus) : Outcome.Ok;
        }, ct));
        return show;
    }

    private static Command BuildMatrix(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        var matrix = new Command("matrix", "which node can connect to which node's PostgreSQL, asked of every node's agent") { json, csv };
        matrix.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var (result, outcome) = await new ClusterMatrix(ctx).MatrixAsync(token);
            if (result is null)
            {
                return outcome;
            }
            MatrixOutput.Write(runner.Environment.Out, result, [], parse.GetValue(csv), parse.GetValue(json));
            return result.AllOk() ? Outcome.Ok : new Outcome(ExitCodes.NodeStatus);
        }, ct));
        return matrix;
    }

    private static Command BuildCrosscheck(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        var crosscheck = new Command("crosscheck", "like matrix, merging every agent's view so one unreachable agent hides less") { json, csv };
        crosscheck.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var (result, outcome) = await new ClusterMatrix(ctx).CrosscheckAsync(token);
            if (result is null)
            {
                return outcome;
            }
            if (!parse.GetValue(json) && result.Warnings.Count > 0)
            {
                ctx.Reporter.Warning("following problems detected:\n" + string.Join('\n', result.Warnings.Select(w => "  " + w)));
            }
            MatrixOutput.Write(runner.Environment.Out, result.Matrix, result.Warnings, parse.GetValue(csv), parse.GetValue(json));
            return result.Matrix.AllOk() ? Outcome.Ok : new Outcome(ExitCodes.NodeStatus);
        }, ct));
        return crosscheck;
    }

    private static void WriteWarnings(IReporter reporter, ClusterReport report)
    {
        if (report.Warnings.Count > 0)
        {
            reporter.Warning("following issues were detected\n" + string.Join('\n', report.Warnings.Select(w => "  - " + w)));
        }
        if (report.LayoutWarning is { } layout)
        {
            reporter.Warning(layout);
        }
    }

    private static void WriteTable(TextWriter output, ClusterReport report, bool compact)
    {
        string[] headers = compact
            ? ["ID", "Name", "Role", "Status", "Upstream", "Location", "Prio.", "TLI"]
            : ["ID", "Name", "Role", "Status", "Upstream", "Location", "Priority", "Timeline", "Connection string"];
        TableWriter.Write(output, headers, report.Rows.Select(r =>
        {
            string[] cells = [r.Id.ToString(CultureInfo.InvariantCulture), r.Name, r.Role, r.Status, r.Upstream, r.Location,
                r.Priority.ToString(CultureInfo.InvariantCulture), r.Timeline];
            return compact ? cells : [.. cells, r.Conninfo];
        }));
        WriteBackupServers(output, report.BackupServers, compact);
    }

    /// <summary>A separate short table: backup servers are not nodes (no ID, role, upstream or priority).</summary>
    private static void WriteBackupServers(TextWriter output, IReadOnlyList<BackupServerRow> servers, bool compact)
    {
        if (servers.Count == 0)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine("Backup servers:");
        string[] headers = compact
            ? ["Name", "Host", "Status", "Last backup"]
            : ["Name", "Host", "Status", "Slot", "Last backup", "Backup directory"];
        TableWriter.Write(output, headers, servers.Select(s => (IReadOnlyList<string>)(compact
            ? [s.Name, s.Host, s.Status, s.LastBackup]
            : [s.Name, s.Host, s.Status, s.SlotName, s.LastBackup, s.BackupDirectory])));
    }

    /// <summary>repmgr's CSV: node_id, availability (0 available, -1 not), recovery (0 primary, 1 standby, -1 unknown).
    /// Nodes only: scripts written for repmgr read every line as a node, so backup servers are left out (see --json).</summary>
    private static void WriteCsv(TextWriter output, ClusterReport report)
    {
        foreach (var row in report.Rows)
        {
            var recovery = row.InRecovery switch { true => "1", false => "0", null => "-1" };
            output.WriteLine(Csv.Line(row.Id.ToString(CultureInfo.InvariantCulture), row.Reachable ? "0" : "-1", row.Reachable ? recovery : "-1"));
        }
    }

    private static Command BuildEvent(CommandRunner runner)
    {
        var limit = NumberOptions.WholeNumber("--limit", "show at most this many events", defaultValue: 20, min: 1, hint: "use --all for every event");
        var all = new Option<bool>("--all") { Description = "show every event (overrides --limit)" };
        var eventType = new Option<string?>("--event") { Description = "only events of this type, e.g. standby_register" };
        var nodeId = CommonOptions.NodeId("only events of this node");
        var nodeName = new Option<string?>("--node-name") { Description = "only events of the node with this name" };
        var json = CommonOptions.Json();
        var csv = CommonOptions.Csv();
        var compact = new Option<bool>("--compact") { Description = "leave out the details" };
        var command = new Command("event", "the event log, newest first") { limit, all, eventType, nodeId, nodeName, json, csv, compact };
        command.SetAction((parse, ct) => runner.RunAsync(parse, async (ctx, token) =>
        {
            var filter = new EventFilter(parse.GetValue(all) ? null : parse.GetValue(limit), parse.GetValue(eventType),
                parse.GetValue(nodeId), parse.GetValue(nodeName));
            var (events, outcome) = await new ClusterEvents(ctx).RunAsync(filter, token);
            if (events is null)
            {
                return outcome;
            }
            WriteEvents(runner.Environment.Out, events, parse.GetValue(json), parse.GetValue(csv), parse.GetValue(compact));
            return Outcome.Ok;
        }, ct));
        return command;
    }

    private static void WriteEvents(TextWriter output, IReadOnlyList<EventRecord> events, bool json, bool csv, bool compact)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(events, PgwardJson.Context.IReadOnlyListEventRecord));
            return;
        }
        static string Time(EventRecord e) => e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        static string Ok(EventRecord e) => e.Successful ? "t" : "f";
        if (csv)
        {
            foreach (var e in events)
            {
                output.WriteLine(Csv.Line(e.NodeId.ToString(CultureInfo.InvariantCulture), e.NodeName ?? "", e.Event, Ok(e), Time(e)));
            }
            return;
        }
        string[] headers = compact ? ["Node ID", "Name", "Event", "OK", "Timestamp"] : ["Node ID", "Name", "Event", "OK", "Timestamp", "Details"];
        TableWriter.Write(output, headers, events.Select(e =>
        {
            string[] cells = [e.NodeId.ToString(CultureInfo.InvariantCulture), e.NodeName ?? "", e.Event, Ok(e), Time(e)];
            return compact ? cells : [.. cells, e.Details ?? ""];
        }));
    }
}
