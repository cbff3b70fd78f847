using Pgward.Core.Config;

namespace Pgward.Backup;

/// <summary>The node settings a backup server's operations use, from a pgward.conf that has a <c>[backup]</c> section and
/// none of a node's own settings: its root section as far as it binds (pg_bindir for pg_basebackup, the event command,
/// the agent_* keys of its endpoint), the node settings it lacks left at their defaults and unused. One place for the
/// backup commands and the daemon.</summary>
public static class BackupServerNodeOptions
{
    public static NodeOptions From(ConfigLoadResult load) =>
        load.Options ?? (load.Bound ?? new NodeOptions()) with { ConfigFile = load.Path };
}
