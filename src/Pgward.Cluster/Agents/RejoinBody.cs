namespace Pgward.Cluster.Agents;

/// <summary>Body of <c>POST /control/rejoin</c>: as <c>pgward node rejoin -d CONNINFO [--force-rewind]</c>.</summary>
public sealed record RejoinBody(string Conninfo = "", bool ForceRewind = false);
