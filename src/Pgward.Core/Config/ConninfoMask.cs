using System.Text.RegularExpressions;

namespace Pgward.Core.Config;

/// <summary>Hides passwords in libpq connection strings, both <c>password=...</c> and <c>postgresql://user:secret@host</c>.</summary>
public static partial class ConninfoMask
{
    public static string Mask(string conninfo)
    {
        var masked = KeywordPassword().Replace(conninfo, "${key}********");
        return UriPassword().Replace(masked, "${prefix}********@");
    }

    [GeneratedRegex(@"(?<key>\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordPassword();

    [GeneratedRegex(@"(?<prefix>postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@", RegexOptions.IgnoreCase)]
    private static partial Regex UriPassword();
}
