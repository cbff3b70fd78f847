using System.Text;

namespace Pgward.Backup.Recovery;

/// <summary>The lines <c>backup recover</c> appends to postgresql.auto.conf (read last, so they win). Pure.</summary>
public static class RecoverySettings
{
    /// <summary>
    /// What pgward's commands and agents set with ALTER SYSTEM on a cluster member, which the backup copied with
    /// postgresql.auto.conf: the upstream of a standby (clone, follow, rejoin) and the primary's
    /// <c>synchronous_standby_names</c> (the agent's commit lease <c>pgward_lease</c>, or <c>ANY k (...)</c> over the
    /// standbys in sync mode). A restored server is a new, lone branch of history: it has no upstream, and a commit that
    /// waits for a synchronous standby that never connects waits for ever.
    /// </summary>
    public static readonly string[] ClusterMemberSettings = ["synchronous_standby_names", "primary_conninfo", "primary_slot_name"];

    /// <summary>Settings this writes or removes; earlier lines for them in postgresql.auto.conf are commented out.</summary>
    public static readonly string[] Owned =
    [
        "restore_command", "recovery_target", "recovery_target_time", "recovery_target_xid", "recovery_target_name",
        "recovery_target_lsn", "recovery_target_inclusive", "recovery_target_timeline", "recovery_target_action",
        "archive_mode", .. ClusterMemberSettings,
    ];

    /// <summary>
    /// <c>'&lt;pgward&gt;' -f '&lt;config&gt;' backup wal-restore %f %p</c>: the running pgward executable and its
    /// configuration file, quoted for the shell PostgreSQL runs restore_command with.
    /// </summary>
    public static string PgwardRestoreCommand(IReadOnlyList<string> executable, string? configFile)
    {
        var parts = executable.Select(ShellQuote).ToList();
        if (configFile is not null)
        {
            parts.AddRange(["-f", ShellQuote(configFile)]);
        }
        parts.AddRange(["backup", "wal-restore", "%f", "%p"]);
        return string.Join(' ', parts);
    }

    public static string Render(string backupId, RecoveryRequest request, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        sb.Append($"\n# Written by pgward backup recover {backupId} at {now:yyyy-MM-dd HH:mm:ss}+00\n");
        void Set(string name, string value) => sb.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");

        Set("restore_command", request.RestoreCommand);
        var target = request.Target;
        switch (target.Kind)
        {
            case RecoveryTargetKind.Time: Set("recovery_target_time", target.Value!); break;
            case RecoveryTargetKind.Xid: Set("recovery_target_xid", target.Value!); break;
            case RecoveryTargetKind.Name: Set("recovery_target_name", target.Value!); break;
            case RecoveryTargetKind.Lsn: Set("recovery_target_lsn", target.Value!); break;
            case RecoveryTargetKind.Immediate: Set("recovery_target", "immediate"); break;
        }
        if (request.Exclusive)
        {
            Set("recovery_target_inclusive", "off");
        }
        Set("recovery_target_timeline", request.TargetTimeline ?? "latest");
        if (request.TargetAction is { } action)
        {
            Set("recovery_target_action", action);
        }
        // The restored server is a new branch of history: it must not push WAL into an archive that belongs to the
        // original cluster. Turn archiving back on deliberately once it is configured for its new role.
        Set("archive_mode", "off");
        // Set, not only commented out: postgresql.conf may name standbys too, and none will connect to this server.
        Set("synchronous_standby_names", "");
        return sb.ToString();
    }

    /// <summary>Comments out the earlier settings of <see cref="Owned"/> names in postgresql.auto.conf's text.</summary>
    public static string CommentOutOwned(string autoConf)
    {
        var lines = autoConf.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (Owned.Contains(NameOf(lines[i]), StringComparer.Ordinal))
            {
                lines[i] = "#pgward recover: " + lines[i];
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>The <see cref="ClusterMemberSettings"/> that postgresql.auto.conf's text sets, in that order: what
    /// <c>backup recover</c> says it reset (names only: primary_conninfo may hold a password).</summary>
    public static IReadOnlyList<string> ClusterMemberSettingsIn(string autoConf)
    {
        var set = autoConf.Split('\n').Select(NameOf).ToHashSet(StringComparer.Ordinal);
        return [.. ClusterMemberSettings.Where(set.Contains)];
    }

    /// <summary>The name a postgresql.auto.conf line sets; "" for a comment or a blank line.</summary>
    private static string NameOf(string line) => line.TrimStart().StartsWith('#') ? "" : line.TrimStart().Split('=', 2)[0].Trim();

    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '=')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
