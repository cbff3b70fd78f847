using System.Text;

namespace Pgward.Cluster.Backups;

/// <summary>
/// A backup's <c>tablespace_map</c>: lines <c>&lt;oid&gt; &lt;location&gt;</c>, a backslash escaping the next character
/// (PostgreSQL's read_tablespace_map). Pure: the puller and the local restore read and write it here.
/// </summary>
public static class TablespaceMap
{
    /// <summary>OID to location, in the file's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var map = new List<KeyValuePair<string, string>>();
        foreach (var line in text.Split('\n').Where(l => l.Length > 0))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                continue;
            }
            var location = new StringBuilder();
            for (var i = space + 1; i < line.Length; i++)
            {
                location.Append(line[i] == '\\' && i + 1 < line.Length ? line[++i] : line[i]);
            }
            map.Add(new(line[..space], location.ToString()));
        }
        return map;
    }

    /// <summary>The file's text, escaping as PostgreSQL does (a backslash before a backslash, newline or carriage return).</summary>
    public static string Render(IEnumerable<KeyValuePair<string, string>> map)
    {
        var text = new StringBuilder();
        foreach (var (oid, location) in map)
        {
            text.Append(oid).Append(' ');
            foreach (var c in location)
            {
                text.Append(c is '\\' or '\n' or '\r' ? "\\" + c : c.ToString());
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
