namespace Pgward.Core.Postgres.Wire;

/// <summary>The server asked for an authentication that <see cref="WalSenderConnection"/> does not speak (GSSAPI, SSPI,
/// Kerberos): the caller connects through Npgsql instead.</summary>
public sealed class UnsupportedAuthenticationException(int code)
    : Exception($"the server asked for authentication method {code}, which pgward's own replication client does not speak")
{
    public int Code { get; } = code;
}
