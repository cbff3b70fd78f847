namespace Pgward.Core.Postgres.Wire;

/// <summary>A SCRAM exchange that cannot go on: a malformed or refused message, or a server that does not know the password.</summary>
public sealed class ScramException(string message) : Exception(message);
