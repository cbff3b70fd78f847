namespace Pgward.Core.Postgres;

/// <summary><c>pg_ctl stop -m</c> modes.</summary>
public enum ShutdownMode
{
    /// <summary>Wait for all clients to disconnect.</summary>
    Smart,
    /// <summary>Disconnect clients, checkpoint, stop (pg_ctl's default).</summary>
    Fast,
    /// <summary>Quit at once; crash recovery on next start.</summary>
    Immediate,
}
