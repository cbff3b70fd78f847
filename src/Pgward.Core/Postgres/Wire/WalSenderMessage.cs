namespace Pgward.Core.Postgres.Wire;

/// <summary>What <see cref="WalSenderConnection.Next"/> read from the replication stream.</summary>
/// <param name="End">XLogData: the server's end of WAL when it sent the message (its <c>walEnd</c> field, not the end of
/// the bytes it carries). Keepalive: the server's end of WAL. Quiet: 0.</param>
/// <param name="ReplyRequested">A keepalive that asks for a status update at once.</param>
public readonly record struct WalSenderMessage(WalSenderMessageKind Kind, ulong End, bool ReplyRequested);
