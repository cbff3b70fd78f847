namespace Pgward.Cli.Output;

/// <summary>
/// repmgr's table layout: left-aligned columns separated by <c> | </c>, a <c>-</c>/<c>+</c> underline below the header.
/// </summary>
public static class TableWriter
{
    public static void Write(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var materialized = rows.ToList();
        var widths = headers
            .Select((h, i) => materialized.Select(r => r[i].Length).Append(h.Length).Max())
            .ToArray();
        output.WriteLine(Line(headers, widths));
        output.WriteLine(string.Join('+', widths.Select(w => new string('-', w + 2))));
        foreach (var row in materialized)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    private static string Line(IReadOnlyList<string> cells, int[] widths) =>
        string.Join('|', cells.Select((c, i) => ' ' + c.PadRight(widths[i]) + ' ')).TrimEnd();
}
