namespace Pgward.Cluster.Backups;

/// <summary>The body of a refused or failed call to a backup server's endpoint: what went wrong and the fix.</summary>
public sealed record EndpointError(string Error, string? Hint);
