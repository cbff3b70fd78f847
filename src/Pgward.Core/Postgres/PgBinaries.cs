using System.Globalization;
using System.Text.RegularExpressions;

namespace Pgward.Core.Postgres;

/// <summary>A directory of PostgreSQL server binaries and their major version.</summary>
public sealed partial record PgBinaries(string BinDirectory, int MajorVersion)
{
    /// <summary>Where Debian's postgresql-15 package puts its binaries.</summary>
    public const string DebianDefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    private static readonly TimeSpan VersionProbeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Full path of a tool in <see cref="BinDirectory"/>: initdb, pg_ctl, pg_basebackup, pg_rewind, postgres ...</summary>
    public string Tool(string name) => Path.Combine(BinDirectory, name);

    /// <summary>Finds the binaries: <paramref name="pgBindir"/> when given (no fallback: a configured directory that
    /// is wrong is a problem to report), else <see cref="DebianDefaultBinDirectory"/>, else <c>pg_config --bindir</c>
    /// from PATH. Runs <c>postgres --version</c> to learn the major version; caches nothing.</summary>
    public static PgBinariesLookup Locate(string? pgBindir) => Locate(pgBindir, VersionProbeTimeout);

    /// <summary>As <see cref="Locate(string?)"/>, killing a probe that runs longer than <paramref name="probeTimeout"/>.</summary>
    public static PgBinariesLookup Locate(string? pgBindir, TimeSpan probeTimeout)
    {
        var pgBindirGiven = !string.IsNullOrWhiteSpace(pgBindir);
        var lookedIn = new List<string>();
        var problems = new List<string>();
        // pg_config is asked only when the default directory fails: each probe is a process start.
        foreach (var dir in Candidates(pgBindirGiven ? pgBindir! : null, probeTimeout))
        {
            lookedIn.Add(dir);
            var postgres = Path.Combine(dir, "postgres");
            if (!File.Exists(postgres))
            {
                continue;
            }
            var (version, problem) = VersionProbe.Run(postgres, "--version", probeTimeout);
            if (ParseMajorVersion(version) is { } major)
            {
                return new PgBinariesLookup(new PgBinaries(dir, major), null);
            }
            problems.Add(problem ?? $"\"{postgres} --version\" printed no PostgreSQL version");
        }

        var notFound = NotFoundProblem(lookedIn, pgBindirGiven);
        return new PgBinariesLookup(null, problems.Count == 0 ? notFound : $"{notFound} {string.Join("; ", problems)}.");
    }

    private static IEnumerable<string> Candidates(string? pgBindir, TimeSpan probeTimeout)
    {
        if (pgBindir is not null)
        {
            yield return pgBindir;
            yield break;
        }
        yield return DebianDefaultBinDirectory;
        if (VersionProbe.Run("pg_config", "--bindir", probeTimeout).FirstLine is { Length: > 0 } fromPgConfig)
        {
            yield return fromPgConfig;
        }
    }

    /// <summary>The message for binaries that cannot be found; says how to install them.</summary>
    public static string NotFoundProblem(IEnumerable<string> lookedIn, bool pgBindirGiven)
    {
        var where = string.Join(", ", lookedIn.DefaultIfEmpty("(nowhere)"));
        var bindirHint = pgBindirGiven
            ? "or correct pg_bindir in the configuration file"
            : "or set pg_bindir in the configuration file to the directory holding pg_ctl and postgres";
        var pgConfig = pgBindirGiven ? "" : ", and for pg_config on PATH";
        return $"PostgreSQL 15 binaries not found (looked in {where}{pgConfig}). "
            + "Install them with: sudo apt-get update && sudo apt-get install -y postgresql-15 "
            + $"({bindirHint}).";
    }

    /// <summary>Major version from <c>postgres --version</c> or <c>pg_config --version</c> output,
    /// e.g. "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" gives 15.</summary>
    public static int? ParseMajorVersion(string? versionOutput)
    {
        var match = versionOutput is null ? Match.Empty : VersionPattern().Match(versionOutput);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"PostgreSQL\)?\s+(\d+)")]
    private static partial Regex VersionPattern();
}
