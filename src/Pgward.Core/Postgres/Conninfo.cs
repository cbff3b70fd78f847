using System.Collections.ObjectModel;
using System.Text;

namespace Pgward.Core.Postgres;

/// <summary>
/// A libpq connection string (<c>host=127.0.0.1 port=5501 user=pgward dbname=pgward connect_timeout=2</c>, or the URI
/// form <c>postgresql://user@host:port/db?connect_timeout=2</c>), as repmgr stores in <c>repmgr.nodes.conninfo</c>.
/// Immutable; keywords keep the order they were written in.
/// </summary>
public sealed class Conninfo
{
    /// <summary>Port libpq uses when none is given.</summary>
    public const int DefaultPort = 5432;

    private readonly OrderedDictionary<string, string> _keywords;

    private Conninfo(OrderedDictionary<string, string> keywords)
    {
        _keywords = keywords;
        Keywords = new ReadOnlyDictionary<string, string>(keywords);
    }

    /// <summary>Keyword/value pairs in the order first written; a repeated keyword keeps its last value, as in libpq.</summary>
    public IReadOnlyDictionary<string, string> Keywords { get; }

    /// <summary>The value of <paramref name="keyword"/>, or null when it is not set.</summary>
    public string? this[string keyword] => _keywords.GetValueOrDefault(keyword);

    /// <summary>The <c>host</c> value (a comma-separated list for multi-host strings), or null.</summary>
    public string? Host => this["host"];

    /// <summary>The first <c>port</c> entry, or <see cref="DefaultPort"/> when none is given.</summary>
    public int Port =>
        this["port"]?.Split(',')[0] is { Length: > 0 } first && ConninfoKeywords.TryParsePort(first, out var port)
            ? port
            : DefaultPort;

    public string? User => this["user"];

    public string? DbName => this["dbname"];

    public static Conninfo Parse(string text) =>
        TryParse(text, out var conninfo, out var error) ? conninfo! : throw new FormatException(error);

    /// <summary>Parses either form; on failure <paramref name="error"/> carries libpq's wording of the problem.</summary>
    public static bool TryParse(string text, out Conninfo? conninfo, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        conninfo = null;
        var pairs = new List<KeyValuePair<string, string>>();
        var parsed = ConninfoUriParser.IsUri(text)
            ? ConninfoUriParser.TryParse(text, pairs, out error)
            : ConninfoKeywordParser.TryParse(text, pairs, out error);
        if (!parsed)
        {
            return false;
        }

        var keywords = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyword, value) in pairs)
        {
            error = ConninfoKeywords.Validate(keyword, value);
            if (error is not null)
            {
                return false;
            }

            keywords[keyword] = value;
        }

        conninfo = new Conninfo(keywords);
        return true;
    }

    /// <summary>A copy with <paramref name="keyword"/> set to <paramref name="value"/>, or removed when it is null.</summary>
    /// <exception cref="ArgumentException">The keyword is not a libpq keyword, or the value is invalid for it.</exception>
    public Conninfo With(string keyword, string? value)
    {
        var keywords = new OrderedDictionary<string, string>(_keywords, StringComparer.Ordinal);
        if (value is null)
        {
            keywords.Remove(keyword);
            return new Conninfo(keywords);
        }

        if (ConninfoKeywords.Validate(keyword, value) is { } error)
        {
            throw new ArgumentException(error, nameof(keyword));
        }

        keywords[keyword] = value;
        return new Conninfo(keywords);
    }

    /// <summary>
    /// A copy that takes from <paramref name="source"/> the keywords that say how to authenticate and secure a
    /// connection (passfile, sslmode, sslrootcert ...; never a password), replacing its own where both set one.
    /// </summary>
    public Conninfo WithSecurityOf(Conninfo source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ConninfoKeywords.Security.Aggregate(this,
            (conninfo, keyword) => source[keyword] is { } value ? conninfo.With(keyword, value) : conninfo);
    }

    /// <summary>Canonical libpq keyword/value form, quoting values only where needed.</summary>
    public override string ToString() => Format(mask: false);

    /// <summary>As <see cref="ToString"/>, with passwords and other secrets replaced by <c>*****</c>: safe to log.</summary>
    public string ToMaskedString() => Format(mask: true);

    /// <summary>What is printed for a connection string that cannot be parsed, and so cannot be masked.</summary>
    public const string Unparsable = "(connection string not shown: it could not be parsed)";

    /// <summary>
    /// <paramref name="text"/> parsed and masked (<see cref="ToMaskedString"/>), or <see cref="Unparsable"/>: never the
    /// text itself, since a string that cannot be parsed cannot be known to hold no password.
    /// </summary>
    public static string Mask(string text) =>
        TryParse(text, out var parsed, out _) ? parsed!.ToMaskedString() : Unparsable;

    /// <summary>The equivalent Npgsql connection string.</summary>
    /// <exception cref="NotSupportedException">A keyword would change how libpq connects and Npgsql has no equivalent.</exception>
    public string ToNpgsqlConnectionString() =>
        NpgsqlConninfoMapper.TryMap(this, out var connectionString, out var error)
            ? connectionString!
            : throw new NotSupportedException(error);

    /// <summary>As <see cref="ToNpgsqlConnectionString"/>, returning the reason instead of throwing.</summary>
    public bool TryToNpgsqlConnectionString(out string? connectionString, out string? error) =>
        NpgsqlConninfoMapper.TryMap(this, out connectionString, out error);

    /// <summary>
    /// Quotes <paramref name="value"/> for a libpq keyword/value string: returned as is when it can stand bare,
    /// otherwise in single quotes with <c>\</c> and <c>'</c> backslash-escaped.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '\\'))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('\'').ToString();
    }

    private string Format(bool mask) =>
        string.Join(' ', _keywords.Select(pair =>
            $"{pair.Key}={Quote(mask && ConninfoKeywords.Secret.Contains(pair.Key) ? ConninfoKeywords.Mask : pair.Value)}"));
}
