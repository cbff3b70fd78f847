namespace Pgward.Core.Postgres;

/// <summary>The connection keywords libpq accepts (PostgreSQL 18), so typos fail at parse time as they would in libpq.</summary>
internal static class ConninfoKeywords
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "require_auth",
        "channel_binding", "connect_timeout", "client_encoding", "options", "application_name",
        "fallback_application_name", "keepalives", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "replication", "gssencmode", "sslmode",
        "sslnegotiation", "requiressl", "sslcompression", "sslcert", "sslkey", "sslkeylogfile",
        "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version",
        "max_protocol_version", "krbsrvname", "gsslib", "gssdelegation", "service",
        "target_session_attrs", "load_balance_hosts", "scram_client_key", "scram_server_key",
        "oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope",
    };

    /// <summary>Keywords whose values are secrets and are masked when printed.</summary>
    public static readonly IReadOnlySet<string> Secret = new HashSet<string>(StringComparer.Ordinal)
    {
        "password", "sslpassword", "oauth_client_secret", "scram_client_key", "scram_server_key",
    };

    /// <summary>
    /// Keywords that say how a client authenticates and secures its connections rather than where it connects: a
    /// conninfo built from -h/-p (standby clone, witness register) takes them from the node's own conninfo, so that
    /// pg_basebackup and primary_conninfo verify the server and find the password as every other connection does.
    /// Never the password itself: only a password file keeps it out of postgresql.auto.conf and the node records.
    /// </summary>
    public static readonly IReadOnlyList<string> Security =
    [
        "passfile", "require_auth", "channel_binding", "sslmode", "sslnegotiation", "sslrootcert", "sslcert", "sslkey",
        "sslcrl", "sslcrldir", "sslcertmode", "sslsni", "ssl_min_protocol_version", "ssl_max_protocol_version",
        "gssencmode", "krbsrvname", "gsslib", "gssdelegation",
    ];

    public const string Mask = "*****";

    public static string? Validate(string keyword, string value)
    {
        if (!Known.Contains(keyword))
        {
            return $"invalid connection option \"{keyword}\"";
        }

        if (keyword == "port")
        {
            foreach (var port in value.Split(','))
            {
                if (port.Length > 0 && !TryParsePort(port, out _))
                {
                    return $"invalid port number: \"{port}\"";
                }
            }
        }

        return null;
    }

    public static bool TryParsePort(string text, out int port) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
        && port is >= 1 and <= 65535;
}
