using System.Globalization;
using Pgward.Core.Postgres;

namespace Pgward.Cluster.Clone;

/// <summary>
/// The port a clone listens on. pg_basebackup copies the upstream's postgresql.conf, port included, so a standby
/// cloned on the upstream's host would try the upstream's port and fail ("Address already in use"). The node's
/// <c>conninfo</c> says where pgward and the other nodes will connect to it: that is the port it must listen on.
/// Pure.
/// </summary>
public static class ClonePort
{
    /// <summary>The check to report, and the port to write to postgresql.auto.conf (null: the copied one is right).</summary>
    /// <param name="nodeConninfo">The node's own <c>conninfo</c> from pgward.conf (no port means libpq's 5432).</param>
    /// <param name="upstreamPort">The port the upstream listens on: what the copied configuration says.</param>
    public static (CloneCheck Check, int? PortToSet) Decide(Conninfo nodeConninfo, int upstreamPort)
    {
        var port = nodeConninfo.Port;
        return port == upstreamPort
            ? (CloneCheck.Pass("port", Invariant($"the clone will listen on port {port}, as conninfo says (the same as the upstream's)")), null)
            : (CloneCheck.Pass("port", Invariant(
                $"the upstream listens on port {upstreamPort} but conninfo says {port}: \"port = {port}\" will be written to postgresql.auto.conf")), port);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
