using Pgward.Cluster.Agents;

namespace Pgward.Agent.Control;

/// <summary>
/// The actions other nodes' CLIs ask this node's agent for. Each one runs to its end once started (a stop cut in half
/// by a dropped HTTP connection would leave the server in an unknown state) and is recorded as an event.
/// Adding an action: a method here, its implementation, and one <c>ControlRoutes.Map</c> line.
/// </summary>
public interface INodeControl
{
    /// <summary>
    /// CHECKPOINT when asked, then pg_ctl stop in the requested mode; the answer carries the shutdown checkpoint's
    /// LSN. Event <c>agent_stop</c>.
    /// </summary>
    Task<ControlResponse> StopAsync(StopRequest request, CancellationToken ct);

    /// <summary>pg_ctl start, waiting until the server accepts connections. Event <c>agent_start</c>.</summary>
    Task<ControlResponse> StartAsync(CancellationToken ct);

    /// <summary>Stop (fast) and start again. Event <c>agent_restart</c>.</summary>
    Task<ControlResponse> RestartAsync(CancellationToken ct);

    /// <summary>Sets or clears this node's durable pause flag. Events <c>daemon_pause</c> / <c>daemon_unpause</c>.</summary>
    Task<ControlResponse> SetPausedAsync(bool paused, CancellationToken ct);

    /// <summary><c>pgward standby promote</c> on this node. Event <c>standby_promote</c>.</summary>
    Task<ControlResponse> PromoteAsync(CancellationToken ct);

    /// <summary><c>pgward standby follow [--upstream-node-id N] --wait</c> on this node. Event <c>standby_follow</c>.</summary>
    Task<ControlResponse> FollowAsync(FollowRequest request, CancellationToken ct);

    /// <summary><c>pgward node rejoin -d CONNINFO [--force-rewind]</c> on this (stopped) node. Event <c>node_rejoin</c>.</summary>
    Task<ControlResponse> RejoinAsync(RejoinBody request, CancellationToken ct);

    /// <summary>
    /// <c>pgward backup recover BACKUP --node THIS</c>: pulls the backup from the backup server into the stopped data
    /// directory (refusing a running server) and writes the recovery settings. Event <c>backup_recover_node</c>.
    /// </summary>
    Task<ControlResponse> RecoverAsync(RecoverBody request, CancellationToken ct);
}
