namespace Pgward.Core.Config;

/// <summary>A rule between two settings, e.g. <c>replication_lag_critical</c> must be greater than <c>replication_lag_warning</c>.</summary>
public sealed record ConfigCrossCheck(string Key, string Relation, string OtherKey, Func<NodeOptions, bool> Holds);
