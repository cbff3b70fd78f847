using System.Text;
using System.Text.RegularExpressions;

namespace Pgward.Core.Config;

/// <summary>Writes settings in <c>pgward.conf</c> syntax that <see cref="ConfigParser"/> reads back exactly.</summary>
public static partial class ConfigWriter
{
    /// <summary>One <c>name = 'value'</c> line per pair; quotes doubled, backslashes and line breaks escaped.</summary>
    /// <exception cref="ArgumentException">A name that is not a valid setting name (a bug in the caller).</exception>
    public static string Format(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in settings)
        {
            if (!NameRegex().IsMatch(name))
            {
                throw new ArgumentException($"\"{name}\" is not a valid setting name", nameof(settings));
            }

            sb.Append(name).Append(" = ").Append(Quote(value)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>A single-quoted string literal for <paramref name="value"/>.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder("'");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\'' => "''",
                '\\' => @"\\",
                '\n' => @"\n",
                '\r' => @"\r",
                _ => c.ToString(),
            });
        }

        return sb.Append('\'').ToString();
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_][A-Za-z_0-9]*)?$")]
    private static partial Regex NameRegex();
}
