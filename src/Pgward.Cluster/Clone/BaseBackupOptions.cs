using Pgward.Core.Processes;

namespace Pgward.Cluster.Clone;

/// <summary>
/// <c>pg_basebackup_options</c>, repmgr's key: arguments <c>standby clone</c> adds to its pg_basebackup command, split as
/// a shell would (<c>--max-rate=200M --waldir=/wal/pg_wal -T /ts/old=/ts/new</c>). The options pgward sets itself are
/// refused, each with the setting that decides it, so that a clone never runs with two answers to one question. Pure.
/// </summary>
public static class BaseBackupOptions
{
    /// <summary>pg_basebackup's (PostgreSQL 15) long options, to resolve the prefixes getopt_long accepts.</summary>
    private static readonly string[] LongOptions =
    [
        "pgdata", "format", "tablespace-mapping", "waldir", "wal-method", "write-recovery-conf", "target", "max-rate", "label",
        "no-clean", "no-sync", "no-slot", "checkpoint", "compress", "gzip", "create-slot", "slot", "no-estimate-size",
        "manifest-checksums", "manifest-force-encode", "no-manifest", "no-verify-checksums", "progress", "verbose", "dbname",
        "host", "port", "status-interval", "username", "no-password", "password", "help", "version",
    ];

    /// <summary>The long options that take a value, as "--waldir=DIR" or "--waldir DIR".</summary>
    private static readonly string[] LongWithValue =
    [
        "pgdata", "format", "tablespace-mapping", "waldir", "wal-method", "target", "max-rate", "label", "checkpoint", "compress",
        "slot", "manifest-checksums", "dbname", "host", "port", "status-interval", "username",
    ];

    /// <summary>pg_basebackup's short options that take a value (its getopt string "CD:F:r:RS:t:T:X:l:nNzZ:d:c:h:p:U:s:wWkvP").</summary>
    private const string ShortWithValue = "DFrStTXlZdchpUs";

    /// <summary>The options pgward sets, by long name, with their short letter and what decides them instead.</summary>
    private static readonly (string Long, char? Short, string DecidedBy)[] Owned =
    [
        ("pgdata", 'D', "data_directory in pgward.conf"),
        ("dbname", 'd', "standby clone's -h/-p/-U/-d"),
        ("host", 'h', "standby clone's -h"),
        ("port", 'p', "standby clone's -p"),
        ("username", 'U', "standby clone's -U, or replication_user"),
        ("wal-method", 'X', "pgward, which streams the WAL (stream)"),
        ("slot", 'S', "use_replication_slots"),
        ("create-slot", 'C', "use_replication_slots"),
        ("no-slot", null, "use_replication_slots"),
        ("format", 'F', "pgward: a standby is a plain data directory"),
        ("target", 't', "pgward: a standby is written to data_directory"),
        ("write-recovery-conf", 'R', "pgward, which writes primary_conninfo itself"),
        ("checkpoint", 'c', "standby clone's --fast-checkpoint"),
        ("label", 'l', "pgward"),
        ("no-password", 'w', "pgward, which never prompts (the password comes from the password file)"),
        ("password", 'W', "pgward, which never prompts (the password comes from the password file)"),
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
        var refused = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.StartsWith("--", StringComparison.Ordinal) && word.Length > 2)
            {
                var given = word[2..].Split('=', 2)[0];
                var option = Resolve(given);
                if (Owned.FirstOrDefault(o => o.Long == option) is { Long: not null } owned)
                {
                    refused.Add($"{word.Split('=', 2)[0]} (set by {owned.DecidedBy})");
                }
                if (!word.Contains('=', StringComparison.Ordinal) && LongWithValue.Contains(option, StringComparer.Ordinal))
                {
                    i++;
                }
            }
            else if (word.StartsWith('-') && word.Length > 1)
            {
                // A cluster of short options ("-vP"); a letter that takes a value ends it ("-r200M", or "-r 200M").
                for (var at = 1; at < word.Length; at++)
                {
                    var letter = word[at];
                    if (Owned.FirstOrDefault(o => o.Short == letter) is { Long: not null } owned)
                    {
                        refused.Add($"-{letter} (set by {owned.DecidedBy})");
                        break;
                    }
                    if (ShortWithValue.Contains(letter, StringComparison.Ordinal))
                    {
                        // "-r 200M": the value is the next word.
                        i += at == word.Length - 1 ? 1 : 0;
                        break;
                    }
                }
            }
        }
        return refused.Count > 0
            ? ([], CloneCheck.Fail(name, $"pg_basebackup_options sets what pgward sets itself: {string.Join(", ", refused)}; remove it from pgward.conf"))
            : (words, CloneCheck.Pass(name, $"added to pg_basebackup: {CommandLine.Format("", words).TrimStart()}"));
    }

    /// <summary>The long option a (possibly abbreviated) name stands for, as getopt_long reads it; null when it names none
    /// or several (pg_basebackup then refuses it itself).</summary>
    private static string? Resolve(string given)
    {
        if (LongOptions.Contains(given, StringComparer.Ordinal))
        {
            return given;
        }
        var candidates = LongOptions.Where(o => o.StartsWith(given, StringComparison.Ordinal)).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }
}
