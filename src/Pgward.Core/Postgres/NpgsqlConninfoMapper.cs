using System.Globalization;
using Npgsql;

namespace Pgward.Core.Postgres;

/// <summary>
/// Maps libpq keywords onto <see cref="NpgsqlConnectionStringBuilder"/>. A keyword Npgsql cannot express is ignored
/// only when leaving it out cannot change how or where the connection is made; otherwise mapping fails with the reason.
/// </summary>
internal static class NpgsqlConninfoMapper
{
    /// <summary>Keywords libpq knows that make no difference to a connection made by Npgsql.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        // Host, hostaddr and port are mapped together; fallback_application_name with application_name.
        "host", "hostaddr", "port", "fallback_application_name",
        // Obsolete in libpq itself, or platform or OS-default details.
        "sslcompression", "gsslib", "keepalives_count", "sslsni",
    };

    public static bool TryMap(Conninfo conninfo, out string? connectionString, out string? error)
    {
        connectionString = null;
        var builder = new NpgsqlConnectionStringBuilder();
        if (!NpgsqlHostMapper.TryMap(conninfo, builder, out error))
        {
            return false;
        }

        // libpq lets an explicit sslmode override the deprecated requiressl, wherever each is written.
        foreach (var (keyword, value) in conninfo.Keywords.OrderBy(pair => pair.Key == "sslmode"))
        {
            if (!Ignored.Contains(keyword) && !TryMapKeyword(builder, keyword, value, out error))
            {
                return false;
            }
        }

        if (builder.ApplicationName is null && conninfo["fallback_application_name"] is { } fallback)
        {
            builder.ApplicationName = fallback;
        }

        connectionString = builder.ConnectionString;
        return true;
    }

    private static bool TryMapKeyword(NpgsqlConnectionStringBuilder builder, string keyword, string value, out string? error)
    {
        error = null;
        switch (keyword)
        {
            case "user": builder.Username = value; return true;
            case "password": builder.Password = value; return true;
            case "dbname": builder.Database = value; return true;
            case "passfile": builder.Passfile = value; return true;
            case "options": builder.Options = value; return true;
            case "application_name": builder.ApplicationName = value; return true;
            case "client_encoding": builder.ClientEncoding = value; return true;
            case "krbsrvname": builder.KerberosServiceName = value; return true;
            case "require_auth": builder.RequireAuth = value; return true;
            case "sslcert": builder.SslCertificate = value; return true;
            case "sslkey": builder.SslKey = value; return true;
            case "sslpassword": builder.SslPassword = value; return true;
            case "sslrootcert": builder.RootCertificate = value; return true;
            case "connect_timeout": return TryMapConnectTimeout(builder, value, out error);
            case "keepalives": return TryMapInt(keyword, value, v => builder.TcpKeepAlive = v != 0, out error);
            case "keepalives_idle": return TryMapInt(keyword, value, v => (builder.TcpKeepAlive, builder.TcpKeepAliveTime) = (true, v), out error);
            case "keepalives_interval": return TryMapInt(keyword, value, v => (builder.TcpKeepAlive, builder.TcpKeepAliveInterval) = (true, v), out error);
            case "requiressl": return TryMapInt(keyword, value, v => builder.SslMode = v != 0 ? SslMode.Require : builder.SslMode, out error);
            case "sslmode": return TryMapEnum(keyword, value, s => builder.SslMode = s, SslModes, out error);
            case "sslnegotiation": return TryMapEnum(keyword, value, s => builder.SslNegotiation = s, SslNegotiations, out error);
            case "gssencmode": return TryMapEnum(keyword, value, s => builder.GssEncryptionMode = s, GssEncryptionModes, out error);
            case "channel_binding": return TryMapEnum(keyword, value, s => builder.ChannelBinding = s, ChannelBindings, out error);
            case "load_balance_hosts": return TryMapEnum(keyword, value, s => builder.LoadBalanceHosts = s, LoadBalanceModes, out error);
            case "target_session_attrs": return TryMapTargetSessionAttributes(builder, value, out error);
            default: return IsHarmlessDefault(keyword, value) || Reject(keyword, value, out error);
        }
    }

    /// <summary>libpq treats a timeout of 1 as 2 s and 0 or less as none; Npgsql's ceiling is 1024 s.</summary>
    private static bool TryMapConnectTimeout(NpgsqlConnectionStringBuilder builder, string value, out string? error) =>
        TryMapInt("connect_timeout", value, seconds => builder.Timeout = seconds switch
        {
            <= 0 => 0,
            1 => 2,
            > 1024 => 1024,
            _ => seconds,
        }, out error);

    private static bool TryMapTargetSessionAttributes(NpgsqlConnectionStringBuilder builder, string value, out string? error)
    {
        error = null;
        if (value == "any")
        {
            return true;
        }

        if (builder.Host?.Contains(',', StringComparison.Ordinal) != true)
        {
            error = $"target_session_attrs={value} needs several hosts with Npgsql; check the role of a single node explicitly instead";
            return false;
        }

        builder.TargetSessionAttributes = value;
        return true;
    }

    /// <summary>Values equal to libpq's defaults (or "off") change nothing when dropped.</summary>
    private static bool IsHarmlessDefault(string keyword, string value) => (keyword, value) switch
    {
        ("replication", "0" or "false" or "off" or "no") => true,
        ("gssdelegation", "0") => true,
        ("tcp_user_timeout", "0") => true,
        ("sslcertmode", "allow" or "disable") => true,
        _ => false,
    };

    private static bool Reject(string keyword, string value, out string? error)
    {
        error = $"connection option \"{keyword}={value}\" is not supported: Npgsql has no equivalent and ignoring it would change how the connection is made";
        return false;
    }

    private static bool TryMapInt(string keyword, string value, Action<int> apply, out string? error)
    {
        if (!int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            error = $"invalid integer value \"{value}\" for connection option \"{keyword}\"";
            return false;
        }

        apply(number);
        error = null;
        return true;
    }

    private static bool TryMapEnum<T>(string keyword, string value, Action<T> apply, Dictionary<string, T> values, out string? error)
    {
        if (!values.TryGetValue(value, out var mapped))
        {
            error = $"invalid {keyword} value: \"{value}\"";
            return false;
        }

        apply(mapped);
        error = null;
        return true;
    }

    private static readonly Dictionary<string, SslMode> SslModes = new(StringComparer.Ordinal)
    {
        ["disable"] = SslMode.Disable,
        ["allow"] = SslMode.Allow,
        ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require,
        ["verify-ca"] = SslMode.VerifyCA,
        ["verify-full"] = SslMode.VerifyFull,
    };

    private static readonly Dictionary<string, SslNegotiation> SslNegotiations = new(StringComparer.Ordinal)
    {
        ["postgres"] = SslNegotiation.Postgres,
        ["direct"] = SslNegotiation.Direct,
    };

    private static readonly Dictionary<string, GssEncryptionMode> GssEncryptionModes = new(StringComparer.Ordinal)
    {
        ["disable"] = GssEncryptionMode.Disable,
        ["prefer"] = GssEncryptionMode.Prefer,
        ["require"] = GssEncryptionMode.Require,
    };

    private static readonly Dictionary<string, ChannelBinding> ChannelBindings = new(StringComparer.Ordinal)
    {
        ["disable"] = ChannelBinding.Disable,
        ["prefer"] = ChannelBinding.Prefer,
        ["require"] = ChannelBinding.Require,
    };

    private static readonly Dictionary<string, bool> LoadBalanceModes = new(StringComparer.Ordinal)
    {
        ["disable"] = false,
        ["random"] = true,
    };
}
