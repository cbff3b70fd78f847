namespace Pgward.Core.Postgres;

/// <summary>What <c>pg_ctl status</c> says about a data directory.</summary>
/// <param name="Running">A postmaster is running on this data directory.</param>
/// <param name="Pid">Postmaster PID when running.</param>
/// <param name="Command">The pg_ctl status run, for diagnostics.</param>
public sealed record PgCtlStatus(bool Running, int? Pid, PgCtlResult Command);
