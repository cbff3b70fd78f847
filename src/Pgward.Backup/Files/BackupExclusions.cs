using System.Text.RegularExpressions;

namespace Pgward.Backup.Files;

/// <summary>
/// What a file-level backup leaves out of the data directory: the same as pg_basebackup (PostgreSQL 15's
/// basebackup.c, <c>excludeDirContents</c>, <c>excludeFiles</c>, temporary files and relations, unlogged relations'
/// forks other than the init fork), so that a restore starts from the same state as one of pg_basebackup's. Pure:
/// paths relative to the data directory, with <c>/</c>.
/// </summary>
public static partial class BackupExclusions
{
    /// <summary>Directories kept empty: recreated at startup or by recovery, or (pg_wal) filled from the archive.</summary>
    private static readonly HashSet<string> ContentsExcluded =
        ["pg_wal", "pg_stat_tmp", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans"];

    /// <summary>Files never copied. backup_label and tablespace_map come from pg_backup_stop instead (a leftover
    /// backup_label would make the restore start from the wrong checkpoint).</summary>
    private static readonly HashSet<string> ExcludedFiles =
        ["postgresql.auto.conf.tmp", "current_logfiles.tmp", "backup_label", "tablespace_map", "backup_manifest",
            "postmaster.pid", "postmaster.opts"];

    /// <summary>Directories restored empty although pg_basebackup excludes their contents (pg_wal's archive_status
    /// too: recovery writes .done files there).</summary>
    public static IReadOnlyList<string> ExtraDirectories { get; } = ["pg_wal/archive_status"];

    /// <summary>Whether the directory at <paramref name="relativePath"/> is copied but not what is in it.</summary>
    public static bool ExcludesContents(string relativePath) => ContentsExcluded.Contains(relativePath);

    /// <summary>Whether an entry named <paramref name="name"/> (file or directory) is left out wherever it is.</summary>
    public static bool Excludes(string name) =>
        ExcludedFiles.Contains(name)
        || name.StartsWith("pg_internal.init", StringComparison.Ordinal)
        || name.StartsWith("pgsql_tmp", StringComparison.Ordinal);

    /// <summary>Whether the directory holds a database's relations: <c>base/&lt;oid&gt;</c> or
    /// <c>pg_tblspc/&lt;oid&gt;/PG_&lt;version&gt;/&lt;oid&gt;</c>.</summary>
    public static bool IsDatabaseDirectory(string relativePath) => DatabaseDirectoryRegex().IsMatch(relativePath);

    /// <summary>The names, among the files of one database directory, that are not copied: temporary relations
    /// (<c>t&lt;backend&gt;_&lt;relfilenode&gt;</c>) and every fork but <c>_init</c> of an unlogged relation (one that
    /// has an init fork: recovery rebuilds its main fork from it).</summary>
    public static IReadOnlySet<string> RelationFilesExcluded(IEnumerable<string> names)
    {
        var list = names.ToList();
        var unlogged = list.Select(n => InitForkRegex().Match(n)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in list)
        {
            if (TempRelationRegex().IsMatch(name))
            {
                excluded.Add(name);
                continue;
            }
            var relation = RelationFileRegex().Match(name);
            if (relation.Success && unlogged.Contains(relation.Groups[1].Value) && relation.Groups[2].Value != "_init")
            {
                excluded.Add(name);
            }
        }
        return excluded;
    }

    [GeneratedRegex(@"^(base/[0-9]+|pg_tblspc/[0-9]+/PG_[^/]+/[0-9]+)$")]
    private static partial Regex DatabaseDirectoryRegex();

    [GeneratedRegex(@"^([0-9]+)_init$")]
    private static partial Regex InitForkRegex();

    [GeneratedRegex(@"^([0-9]+)(_fsm|_vm|_init)?(\.[0-9]+)?$")]
    private static partial Regex RelationFileRegex();

    [GeneratedRegex(@"^t[0-9]+_[0-9]+(_fsm|_vm|_init)?(\.[0-9]+)?$")]
    private static partial Regex TempRelationRegex();
}
