namespace Pgward.Cli.Output;

/// <summary>RFC 4180 fields: quoted when they hold a comma, quote or line break.</summary>
public static class Csv
{
    public static string Line(params IEnumerable<string> fields) => string.Join(',', fields.Select(Field));

    /// <summary>Every field quoted, as repmgr writes <c>node status --csv</c> and <c>node check --csv</c>.</summary>
    public static string QuotedLine(params IEnumerable<string> fields) => string.Join(',', fields.Select(Quoted));

    public static string Field(string value) => value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? Quoted(value) : value;

    private static string Quoted(string value) => '"' + value.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';
}
