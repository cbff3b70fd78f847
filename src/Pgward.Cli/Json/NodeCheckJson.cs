namespace Pgward.Cli.Json;

internal sealed record NodeCheckJson(int NodeId, string NodeName, string Status, IReadOnlyList<NodeCheckItemJson> Checks);

internal sealed record NodeCheckItemJson(string Check, string Status, string Details, string? Perfdata);
