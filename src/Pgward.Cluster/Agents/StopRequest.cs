namespace Pgward.Cluster.Agents;

/// <summary>Body of <c>POST /control/stop</c>.</summary>
/// <param name="Checkpoint">Run CHECKPOINT before stopping, so the shutdown checkpoint has little left to write. Default false.</param>
/// <param name="Mode">pg_ctl's shutdown mode: <c>smart</c>, <c>fast</c> or <c>immediate</c>. Default fast.</param>
public sealed record StopRequest(bool Checkpoint = false, string Mode = "fast");
