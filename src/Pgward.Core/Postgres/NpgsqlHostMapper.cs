using Npgsql;

namespace Pgward.Core.Postgres;

/// <summary>
/// Maps libpq's <c>host</c>, <c>hostaddr</c> and <c>port</c> lists onto Npgsql's <c>Host</c>/<c>Port</c>; several hosts
/// become Npgsql's <c>Host=a:1,b:2</c> form.
/// </summary>
internal static class NpgsqlHostMapper
{
    public static bool TryMap(Conninfo conninfo, NpgsqlConnectionStringBuilder builder, out string? error)
    {
        error = null;
        var hosts = SplitList(conninfo["host"]);
        var addresses = SplitList(conninfo["hostaddr"]);
        var ports = SplitList(conninfo["port"]);

        if (hosts.Length > 0 && addresses.Length > 0 && hosts.Length != addresses.Length)
        {
            error = $"could not match {hosts.Length} host names to {addresses.Length} hostaddr values";
            return false;
        }

        // Npgsql has no separate hostaddr: it connects to the address, so a certificate check against the name is lost.
        if (hosts.Length > 0 && addresses.Length > 0 && conninfo["sslmode"] == "verify-full")
        {
            error = "host together with hostaddr and sslmode=verify-full is not supported: Npgsql would verify the certificate against the address";
            return false;
        }

        var targets = addresses.Length > 0
            ? addresses.Select((a, i) => a.Length > 0 || hosts.Length == 0 ? a : hosts[i]).ToArray()
            : hosts;
        var count = Math.Max(targets.Length, 1);
        if (ports.Length > 1 && ports.Length != count)
        {
            error = $"could not match {ports.Length} port numbers to {count} hosts";
            return false;
        }

        if (targets.Length <= 1)
        {
            builder.Host = targets.FirstOrDefault() is { Length: > 0 } single ? single : null;
            builder.Port = PortAt(ports, 0);
            return true;
        }

        builder.Host = string.Join(',', targets.Select((target, i) => $"{Bracket(target)}:{PortAt(ports, i)}"));
        return true;
    }

    private static string[] SplitList(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Split(',').Select(v => v.Trim()).ToArray();

    private static int PortAt(string[] ports, int index)
    {
        var text = ports.Length == 0 ? "" : ports[ports.Length == 1 ? 0 : index];
        return text.Length > 0 && ConninfoKeywords.TryParsePort(text, out var port) ? port : Conninfo.DefaultPort;
    }

    /// <summary>An IPv6 address needs brackets so that Npgsql can tell its colons from the port separator.</summary>
    private static string Bracket(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('/') ? $"[{host}]" : host;
}
