using System.Text.Json;
using Pgward.Cli.Json;
using Pgward.Cli.Output;
using Pgward.Cluster.Checks;
using Pgward.Core;
using Pgward.Core.Config;

namespace Pgward.Cli.Commands;

/// <summary>
/// <c>node check</c> output: the full list (<c>\tServer role: OK (node is primary)</c>), a single check
/// (<c>OK (node is standby)</c>), Nagios (<c>PGWARD_SERVER_ROLE OK: node is standby | perf</c>), JSON, or repmgr's CSV
/// (<c>"Server role","OK","node is primary"</c>).
/// </summary>
public static class NodeCheckOutput
{
    public static void Write(TextWriter output, NodeOptions options, IReadOnlyList<CheckResult> results, bool single, bool nagios, bool json,
        bool csv = false)
    {
        if (csv)
        {
            output.WriteLine(Csv.QuotedLine("Node name", options.NodeName));
            output.WriteLine(Csv.QuotedLine("Node ID", options.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            foreach (var r in results)
            {
                output.WriteLine(Csv.QuotedLine(r.Label, Word(r.Status), r.Details));
            }
            return;
        }
        if (json)
        {
            var worst = results.Max(r => r.Status);
            var items = results.Select(r => new NodeCheckItemJson(r.Label, Word(r.Status), r.Details, r.Perfdata)).ToList();
            output.WriteLine(JsonSerializer.Serialize(new NodeCheckJson(options.NodeId, options.NodeName, Word(worst), items),
                PgwardJson.Context.NodeCheckJson));
            return;
        }
        if (nagios)
        {
            var r = results[0];
            output.WriteLine($"{r.NagiosName} {Word(r.Status)}: {r.Details}" + (r.Perfdata is null ? "" : $" | {r.Perfdata}"));
            return;
        }
        if (single)
        {
            output.WriteLine($"{Word(results[0].Status)} ({results[0].Details})");
            return;
        }
        output.WriteLine($"Node \"{options.NodeName}\":");
        foreach (var r in results)
        {
            output.WriteLine($"\t{r.Label}: {Word(r.Status)} ({r.Details})");
        }
    }

    public static string Word(CheckStatus status) => status switch
    {
        CheckStatus.Ok => "OK",
        CheckStatus.Warning => "WARNING",
        CheckStatus.Critical => "CRITICAL",
        _ => "UNKNOWN",
    };
}
