using Pgward.Backup.Catalog;

namespace Pgward.Backup.Checks;

/// <summary><c>backup check</c> output: a Barman-like list, or one Nagios line (plus a line per failure).</summary>
public static class BackupCheckOutput
{
    public static void WriteList(TextWriter output, string backupDirectory, IReadOnlyList<BackupCheckResult> results)
    {
        output.WriteLine($"Backup server {backupDirectory}:");
        foreach (var r in results)
        {
            output.WriteLine($"\t{r.Name}: {(r.Ok ? "OK" : "FAILED")} ({r.Detail})");
        }
    }

    public static void WriteNagios(TextWriter output, IReadOnlyList<BackupCheckResult> results, BackupCheckFacts facts)
    {
        var perf = $"|backup={facts.LastBackupBytes}B wals={facts.WalBytes}B";
        var failed = results.Where(r => !r.Ok).ToList();
        if (failed.Count == 0)
        {
            output.WriteLine($"PGWARD OK - backup server ready: {facts.DoneBackups} backups, {ByteSize.Format(facts.WalBytes)} of WAL{perf}");
            return;
        }
        output.WriteLine($"PGWARD CRITICAL - backup server has issues * FAILED: {string.Join(", ", failed.Select(r => r.Name))}{perf}");
        foreach (var r in failed)
        {
            output.WriteLine($"{r.Name}: FAILED ({r.Detail})");
        }
    }
}
