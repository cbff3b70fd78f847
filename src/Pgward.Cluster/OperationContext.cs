using Pgward.Cluster.Events;
using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Processes;
using Pgward.Core.Reporting;

namespace Pgward.Cluster;

/// <summary>What every operation on the local node needs: its configuration and the adapters to the outside world.</summary>
public sealed class OperationContext(
    NodeOptions options,
    IReporter reporter,
    DbConnector db,
    IProcessRunner processes,
    EventRecorder events,
    TimeProvider time)
{
    public NodeOptions Options => options;
    public IReporter Reporter => reporter;
    public DbConnector Db => db;
    public IProcessRunner Processes => processes;
    public EventRecorder Events => events;
    public TimeProvider Time => time;

    /// <summary>The same adapters with other options, e.g. a shorter timeout for one operation.</summary>
    public OperationContext With(NodeOptions changed) => new(changed, reporter, db, processes, events, time);

    /// <summary>The same options and adapters with another connector, e.g. one that keeps its connections open.</summary>
    public OperationContext With(DbConnector changed) => new(options, reporter, changed, processes, events, time);

    /// <summary>The local node as <c>node "name" (ID: n)</c>.</summary>
    public string LocalNode => $"node \"{options.NodeName}\" (ID: {options.NodeId})";
}
