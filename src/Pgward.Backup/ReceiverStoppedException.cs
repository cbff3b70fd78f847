namespace Pgward.Backup;

/// <summary>The WAL receiver stopped on a problem an operator must fix; thrown to the daemon's supervised loop, which
/// reports it and starts the receiver again after its backoff.</summary>
public sealed class ReceiverStoppedException(string problem) : Exception(problem);
