using System.Globalization;
using System.Text;

namespace Pgward.Testing;

/// <summary>Renders the harness's postgresql.conf include file and pg_hba.conf (pure text).</summary>
public static class PgServerConfig
{
    /// <summary>The file the harness owns inside the data directory, included at the end of postgresql.conf.</summary>
    public const string IncludeFileName = "pgward_test.conf";

    public static string IncludeLine => $"include '{IncludeFileName}'";

    public static string Render(PgServerSettings settings, int port, string socketDirectory, TestAuthentication authentication)
    {
        var gucs = new Dictionary<string, string>
        {
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            ["listen_addresses"] = "127.0.0.1",
            ["unix_socket_directories"] = socketDirectory,
            ["wal_level"] = "replica",
            ["max_wal_senders"] = "10",
            ["max_replication_slots"] = "10",
            ["wal_keep_size"] = "64MB",
            ["hot_standby"] = "on",
            ["wal_log_hints"] = "on",
            ["max_connections"] = "30",
            ["shared_buffers"] = "16MB",
            ["log_line_prefix"] = "%m [%p] %q%u@%d ",
            ["ssl"] = "on",
            ["ssl_cert_file"] = authentication.ServerCertificateFile,
            ["ssl_key_file"] = authentication.ServerKeyFile,
        };
        if (!settings.Durable)
        {
            gucs["fsync"] = "off";
            gucs["synchronous_commit"] = "off";
        }

        foreach (var (name, value) in settings.Gucs)
        {
            gucs[name] = value;
        }

        var text = new StringBuilder("# Written by the pgward test harness; rewritten on every start.\n");
        foreach (var (name, value) in gucs)
        {
            text.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        return text.ToString();
    }

    public static string RenderHba(PgServerSettings settings)
    {
        // scram-sha-256 only, TCP only over TLS: as production servers should be (see TestAuthentication).
        var lines = new List<string>(settings.ExtraHbaLines);
        lines.AddRange(TestAuthentication.HbaLines("127.0.0.1/32", settings.AllowReplication));

        return string.Join('\n', lines) + "\n";
    }
}
