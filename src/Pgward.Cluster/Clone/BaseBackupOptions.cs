using Pgward.Core.Processes;

namespace Pgward.Cluster.Clone;

/// <summary>
/// <c>pg_basebackup_options</c>, repmgr's key: arguments <c>standby clone</c> adds to its pg_basebackup command, split as
/// a shell would (<c>--max-rate=200M --waldir=/wal/pg_wal -T /ts/old=/ts/new</c>). The options pgward sets itself are
/// refused, each with the setting that decides it, so that a clone never runs with two answers to one question. Pure.
/// </summary>
public static class BaseBackupOptions
{
    private const string NoPrompt = "pgward, which never prompts (the password comes from the password file)";

    /// <summary>pg_basebackup's options (PostgreSQL 15), to resolve the prefixes getopt_long accepts and to skip values
    /// ("--waldir DIR", "-r 200M").</summary>
    private static readonly ToolOption[] Options =
    [
        new("pgdata", 'D', true, "data_directory in pgward.conf"),
        new("format", 'F', true, "pgward: a standby is a plain data directory"),
        new("tablespace-mapping", 'T', true),
        new("waldir", null, true),
        new("wal-method", 'X', true, "pgward, which streams the WAL (stream)"),
        new("write-recovery-conf", 'R', false, "pgward, which writes primary_conninfo itself"),
        new("target", 't', true, "pgward: a standby is written to data_directory"),
        new("max-rate", 'r', true),
        new("label", 'l', true, "pgward"),
        new("no-clean", 'n', false),
        new("no-sync", 'N', false),
        new("no-slot", null, false, "use_replication_slots"),
        new("checkpoint", 'c', true, "standby clone's --fast-checkpoint"),
        new("compress", 'Z', true),
        new("gzip", 'z', false),
        new("create-slot", 'C', false, "use_replication_slots"),
        new("slot", 'S', true, "use_replication_slots"),
        new("no-estimate-size", null, false),
        new("manifest-checksums", null, true),
        new("manifest-force-encode", null, false),
        new("no-manifest", null, false),
        new("no-verify-checksums", 'k', false),
        new("progress", 'P', false),
        new("verbose", 'v', false),
        new("dbname", 'd', true, "standby clone's -h/-p/-U/-d"),
        new("host", 'h', true, "standby clone's -h"),
        new("port", 'p', true, "standby clone's -p"),
        new("status-interval", 's', true),
        new("username", 'U', true, "standby clone's -U, or replication_user"),
        new("no-password", 'w', false, NoPrompt),
        new("password", 'W', false, NoPrompt),
        new("help", null, false),
        new("version", 'V', false),
    ];

    /// <summary>The arguments to add, and the check that reports them (failed when an option is pgward's own or the
    /// text does not split).</summary>
    public static (IReadOnlyList<string> Arguments, CloneCheck Check) Parse(string text)
    {
        const string name = "pg_basebackup_options";
        var (words, problem) = CommandLine.Split(text);
        if (problem is not null)
        {
            return ([], CloneCheck.Fail(name, $"pg_basebackup_options does not split into arguments: {problem}"));
        }
        if (words.Count == 0)
        {
            return ([], CloneCheck.Pass(name, "none"));
        }
        var refused = ToolOptions.Read(words, Options)
            .Where(given => given.Option?.DecidedBy is not null)
            .Select(given => $"{given.Spelled} (set by {given.Option!.DecidedBy})")
            .ToList();
        return refused.Count > 0
            ? ([], CloneCheck.Fail(name, $"pg_basebackup_options sets what pgward sets itself: {string.Join(", ", refused)}; remove it from pgward.conf"))
            : (words, CloneCheck.Pass(name, $"added to pg_basebackup: {CommandLine.Format("", words).TrimStart()}"));
    }
}
