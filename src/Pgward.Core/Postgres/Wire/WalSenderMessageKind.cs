namespace Pgward.Core.Postgres.Wire;

public enum WalSenderMessageKind
{
    /// <summary>'w': WAL, whose bytes the caller does not see.</summary>
    XLogData,

    /// <summary>'k': the primary's keepalive.</summary>
    Keepalive,

    /// <summary>Nothing arrived within the quiet interval given to <see cref="WalSenderConnection.StartReplication"/>.</summary>
    Quiet,
}
