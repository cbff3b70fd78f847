namespace Pgward.Backup.Files;

/// <summary>A backup session with a node's agent could not go on: the message says why, for backup.info's error.</summary>
public sealed class AgentSessionException(string message) : Exception(message);
