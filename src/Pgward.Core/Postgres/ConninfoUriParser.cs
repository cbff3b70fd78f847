using System.Text;

namespace Pgward.Core.Postgres;

/// <summary>
/// Parses libpq's URI form <c>postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&amp;...]</c>
/// into keyword/value pairs, following <c>conninfo_uri_parse_options</c>.
/// </summary>
internal static class ConninfoUriParser
{
    private static readonly string[] Prefixes = ["postgresql://", "postgres://"];

    public static bool IsUri(string text) =>
        Prefixes.Any(p => text.TrimStart().StartsWith(p, StringComparison.Ordinal));

    public static bool TryParse(string text, List<KeyValuePair<string, string>> pairs, out string? error)
    {
        text = text.Trim();
        var rest = text[Prefixes.First(p => text.StartsWith(p, StringComparison.Ordinal)).Length..];

        var query = Cut(ref rest, '?');
        var path = Cut(ref rest, '/');
        var at = rest.LastIndexOf('@');
        var userInfo = at >= 0 ? rest[..at] : null;
        var hostList = at >= 0 ? rest[(at + 1)..] : rest;

        return TryAddUser(userInfo, pairs, out error)
            && TryAddHosts(hostList, pairs, out error)
            && TryAddDecoded("dbname", path, pairs, out error)
            && TryAddQuery(query, pairs, out error);
    }

    /// <summary>Splits <paramref name="rest"/> at the first <paramref name="separator"/>, returning what follows it.</summary>
    private static string? Cut(ref string rest, char separator)
    {
        var index = rest.IndexOf(separator);
        if (index < 0)
        {
            return null;
        }

        var tail = rest[(index + 1)..];
        rest = rest[..index];
        return tail;
    }

    private static bool TryAddUser(string? userInfo, List<KeyValuePair<string, string>> pairs, out string? error)
    {
        error = null;
        if (userInfo is null)
        {
            return true;
        }

        var colon = userInfo.IndexOf(':');
        var user = colon >= 0 ? userInfo[..colon] : userInfo;
        var password = colon >= 0 ? userInfo[(colon + 1)..] : null;
        return TryAddDecoded("user", user, pairs, out error) && TryAddDecoded("password", password, pairs, out error);
    }

    private static bool TryAddHosts(string hostList, List<KeyValuePair<string, string>> pairs, out string? error)
    {
        error = null;
        if (hostList.Length == 0)
        {
            return true;
        }

        var hosts = new List<string>();
        var ports = new List<string>();
        foreach (var spec in hostList.Split(','))
        {
            if (!TrySplitHostSpec(spec, out var host, out var port, out error)
                || !TryDecode(host, out var decodedHost, out error)
                || !TryDecode(port, out var decodedPort, out error))
            {
                return false;
            }

            hosts.Add(decodedHost);
            ports.Add(decodedPort);
        }

        if (hosts.Any(h => h.Length > 0))
        {
            pairs.Add(new("host", string.Join(',', hosts)));
        }

        if (ports.Any(p => p.Length > 0))
        {
            pairs.Add(new("port", string.Join(',', ports)));
        }

        return true;
    }

    private static bool TrySplitHostSpec(string spec, out string host, out string port, out string? error)
    {
        error = null;
        var hostEnd = 0;
        if (spec.StartsWith('['))
        {
            hostEnd = spec.IndexOf(']');
            if (hostEnd < 0)
            {
                host = port = "";
                error = $"end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"{spec}\"";
                return false;
            }

            host = spec[1..hostEnd];
            hostEnd++;
        }
        else
        {
            hostEnd = spec.IndexOf(':') is var colon and >= 0 ? colon : spec.Length;
            host = spec[..hostEnd];
        }

        var afterHost = spec[hostEnd..];
        if (afterHost.Length > 0 && afterHost[0] != ':')
        {
            port = "";
            error = $"unexpected character \"{afterHost[0]}\" after host in URI: \"{spec}\"";
            return false;
        }

        port = afterHost.Length > 0 ? afterHost[1..] : "";
        return true;
    }

    private static bool TryAddQuery(string? query, List<KeyValuePair<string, string>> pairs, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(query))
        {
            return true;
        }

        foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = parameter.IndexOf('=');
            if (equals < 0)
            {
                error = $"missing key/value separator \"=\" in URI query parameter: \"{parameter}\"";
                return false;
            }

            if (!TryDecode(parameter[..equals], out var keyword, out error)
                || !TryDecode(parameter[(equals + 1)..], out var value, out error))
            {
                return false;
            }

            // libpq accepts the JDBC spelling ssl=true as sslmode=require.
            if (keyword == "ssl" && value == "true")
            {
                (keyword, value) = ("sslmode", "require");
            }

            if (!ConninfoKeywords.Known.Contains(keyword))
            {
                error = $"invalid URI query parameter: \"{keyword}\"";
                return false;
            }

            pairs.Add(new(keyword, value));
        }

        return true;
    }

    private static bool TryAddDecoded(string keyword, string? raw, List<KeyValuePair<string, string>> pairs, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(raw))
        {
            return true;
        }

        if (!TryDecode(raw, out var value, out error))
        {
            return false;
        }

        pairs.Add(new(keyword, value));
        return true;
    }

    private static bool TryDecode(string raw, out string value, out string? error)
    {
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '%')
            {
                var length = char.IsHighSurrogate(raw[i]) && i + 1 < raw.Length ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(raw.Substring(i, length)));
                i += length - 1;
                continue;
            }

            if (i + 2 >= raw.Length || !byte.TryParse(raw.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
            {
                (value, error) = ("", $"invalid percent-encoded token: \"{raw[i..]}\"");
                return false;
            }

            if (b == 0)
            {
                (value, error) = ("", $"forbidden value %00 in percent-encoded value: \"{raw}\"");
                return false;
            }

            bytes.Add(b);
            i += 2;
        }

        (value, error) = (Encoding.UTF8.GetString(bytes.ToArray()), null);
        return true;
    }
}
