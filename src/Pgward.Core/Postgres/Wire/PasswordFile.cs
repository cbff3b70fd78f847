using System.Text;

namespace Pgward.Core.Postgres.Wire;

/// <summary>
/// A libpq password file (<c>.pgpass</c>): lines <c>host:port:database:user:password</c>, <c>*</c> matching anything,
/// <c>\:</c> and <c>\\</c> escaped. Read as Npgsql reads it (its <c>PgPassFile</c>), so that a connection of pgward's own
/// takes the password the same Npgsql connection would: the first matching line wins, and a field the connection does
/// not know (a null) matches any line.
/// </summary>
public static class PasswordFile
{
    /// <summary>The password of the first line of <paramref name="contents"/> that matches, or null.</summary>
    /// <exception cref="FormatException">A line before the match is not five fields, or its port is not a number.</exception>
    public static string? Find(string contents, string? host, int? port, string? database, string user)
    {
        foreach (var raw in contents.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var fields = Split(line);
            if (fields.Count != 5)
            {
                throw new FormatException("a line of the password file is not host:port:database:user:password (a colon in a field is written \\:)");
            }
            int? linePort = null;
            if (fields[1] is { } portText)
            {
                linePort = int.TryParse(portText, System.Globalization.CultureInfo.InvariantCulture, out var p)
                    ? p : throw new FormatException("a line of the password file has a port that is not a number");
            }
            if (Matches(host, fields[0]) && (port is null || linePort is null || port == linePort) && Matches(database, fields[2]) && Matches(user, fields[3]))
            {
                return fields[4];
            }
        }
        return null;
    }

    private static bool Matches(string? value, string? field) => value is null || field is null || value == field;

    /// <summary>The fields of a line, null for <c>*</c>.</summary>
    private static List<string?> Split(string line)
    {
        var fields = new List<string?>(5);
        var field = new StringBuilder();
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && i < line.Length - 1)
            {
                c = line[++i];
                if (c is not (':' or '\\'))
                {
                    field.Append('\\');
                }
                field.Append(c);
            }
            else if (c == ':')
            {
                fields.Add(Field(field));
            }
            else
            {
                field.Append(c);
            }
        }
        fields.Add(Field(field));
        return fields;
    }

    private static string? Field(StringBuilder field)
    {
        var text = field.ToString();
        field.Clear();
        return text == "*" ? null : text;
    }
}
