namespace Pgward.Core.Config;

/// <summary>The <c>failover</c> setting: whether the daemon promotes a standby by itself.</summary>
public enum FailoverMode
{
    /// <summary>The daemon monitors only; a person runs <c>standby promote</c>.</summary>
    Manual,
    /// <summary>The daemon elects and promotes a standby when the primary is gone.</summary>
    Automatic,
}
