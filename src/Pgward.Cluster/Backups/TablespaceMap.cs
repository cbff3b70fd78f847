using System.Text;

namespace Pgward.Cluster.Backups;

/// <summary>
/// A backup's <c>tablespace_map</c>: lines <c>&lt;oid&gt; &lt;location&gt;</c>, a backslash escaping the next character
/// (PostgreSQL's read_tablespace_map). Pure. BackupRestorer keeps its own copy for the local restore until the merge
/// joins the two.
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
}
