using Pgward.Core.Config;

namespace Pgward.Backup;

/// <summary>The node settings a backup server's operations use, from a pgward.conf that has a <c>[backup]</c> section and
/// none of a node's own settings: defaults, plus the file itself and the few root keys its work reads (pg_bindir for
/// pg_basebackup, the event command). One place for the backup commands and the daemon's scheduled backups.</summary>
public static class BackupServerNodeOptions
{
    public static NodeOptions From(ConfigLoadResult load)
    {
        if (load.Options is { } node)
        {
            return node;
        }
        var root = load.Sections.GetValueOrDefault("") ?? new Dictionary<string, string>();
        return new NodeOptions
        {
            ConfigFile = load.Path,
            PgBindir = root.GetValueOrDefault("pg_bindir") ?? "",
            EventNotificationCommand = root.GetValueOrDefault("event_notification_command") ?? "",
        };
    }
}
