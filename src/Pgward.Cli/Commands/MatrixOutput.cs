using System.Globalization;
using System.Text.Json;
using Pgward.Cli.Json;
using Pgward.Cli.Output;
using Pgward.Cluster.Matrix;

namespace Pgward.Cli.Commands;

/// <summary>
/// <c>cluster matrix</c>/<c>crosscheck</c> output as repmgr prints it: a row per source node (Name, ID), a column per
/// target node ID, <c>*</c> connected, <c>x</c> failed, <c>?</c> unknown; CSV <c>from,to,status</c> with 0, -1, -2.
/// </summary>
public static class MatrixOutput
{
    public static void Write(TextWriter output, ConnectivityMatrix matrix, IReadOnlyList<string> warnings, bool csv, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(ToJson(matrix, warnings), PgwardJson.Context.MatrixJson));
        }
        else if (csv)
        {
            WriteCsv(output, matrix);
        }
        else
        {
            WriteTable(output, matrix);
        }
    }

    public static void WriteTable(TextWriter output, ConnectivityMatrix matrix)
    {
        var ids = matrix.Rows.Select(r => r.NodeId).ToList();
        string[] headers = ["Name", "ID", .. ids.Select(Id)];
        TableWriter.Write(output, headers, matrix.Rows.Select(r =>
            (IReadOnlyList<string>)[r.NodeName, Id(r.NodeId), .. ids.Select(t => Symbol(r.StatusTo(t)))]));
    }

    public static void WriteCsv(TextWriter output, ConnectivityMatrix matrix)
    {
        foreach (var source in matrix.Rows)
        {
            foreach (var target in matrix.Rows)
            {
                output.WriteLine(Csv.Line(Id(source.NodeId), Id(target.NodeId), CsvCode(source.StatusTo(target.NodeId))));
            }
        }
    }

    public static string Symbol(LinkStatus status) => status switch
    {
        LinkStatus.Ok => "*",
        LinkStatus.Failed => "x",
        _ => "?",
    };

    public static string CsvCode(LinkStatus status) => status switch
    {
        LinkStatus.Ok => "0",
        LinkStatus.Failed => "-1",
        _ => "-2",
    };

    private static MatrixJson ToJson(ConnectivityMatrix matrix, IReadOnlyList<string> warnings) => new(
        matrix.AllOk(),
        warnings,
        [.. matrix.Rows.Select(r => new MatrixRowJson(r.NodeId, r.NodeName, r.Links is null ? r.Error : null,
            [.. matrix.Rows.Select(t => new MatrixLinkJson(t.NodeId, r.StatusTo(t.NodeId).ToString().ToLowerInvariant(), r.Links is null ? null : r.ErrorTo(t.NodeId)))]))]);

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
