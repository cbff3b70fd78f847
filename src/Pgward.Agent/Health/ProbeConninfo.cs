using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Agent.Health;

/// <summary>The conninfo of an agent's probe: its own connect timeout and application name, so that a dead host cannot
/// hold a probe up and the probe's sessions are recognisable in <c>pg_stat_activity</c>.</summary>
public static class ProbeConninfo
{
    /// <summary><paramref name="conninfo"/> with the given connect timeout and application name; unchanged when it does
    /// not parse (the connection attempt then reports the problem).</summary>
    public static string For(string conninfo, int connectTimeoutSeconds, string applicationName) =>
        Conninfo.TryParse(conninfo, out var parsed, out _)
            ? parsed!.With("connect_timeout", connectTimeoutSeconds.ToString(CultureInfo.InvariantCulture))
                .With("application_name", applicationName).ToString()
            : conninfo;
}
