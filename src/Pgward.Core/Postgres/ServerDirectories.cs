namespace Pgward.Core.Postgres;

/// <summary>
/// Where a server lives: its data directory, and the directory holding its <c>postgresql.conf</c> when that is elsewhere
/// (<c>config_directory</c>; Debian's clusters keep it in <c>/etc/postgresql/15/main</c>).
/// </summary>
/// <param name="Data">The data directory: <c>postmaster.pid</c>, <c>standby.signal</c>, <c>postgresql.auto.conf</c>.</param>
/// <param name="Config">The directory of <c>postgresql.conf</c>, whose <c>data_directory</c> names <paramref name="Data"/>;
/// null when it is the data directory.</param>
public sealed record ServerDirectories(string Data, string? Config = null)
{
    /// <summary>The directory pg_ctl is given with <c>-D</c>, as repmgr does with <c>config_directory</c>: pg_ctl finds the
    /// data directory through the configuration (<c>postgres -C data_directory</c>).</summary>
    public string ForPgCtl => Config ?? Data;

    /// <summary>The main configuration file, for the tools that take one (<c>pg_rewind --config-file</c>).</summary>
    public string ConfigFile => Path.Combine(ForPgCtl, "postgresql.conf");
}
