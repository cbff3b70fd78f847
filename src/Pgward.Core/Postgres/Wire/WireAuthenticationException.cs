namespace Pgward.Core.Postgres.Wire;

/// <summary>Authentication that cannot succeed on this side: no password for a server that asks for one, or a SCRAM
/// exchange that failed. A refusal, not a failure for now.</summary>
public sealed class WireAuthenticationException(string message) : IOException(message);
