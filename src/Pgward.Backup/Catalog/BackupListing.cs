using System.Globalization;
using System.Text.Json;
using Pgward.Backup.Wal;

namespace Pgward.Backup.Catalog;

/// <summary><c>backup list</c> and <c>backup show</c> output: Barman's line format, or JSON (written by hand so the
/// native executable needs no reflection).</summary>
public static class BackupListing
{
    public static void WriteText(TextWriter output, IReadOnlyList<BackupInfo> newestFirst, IReadOnlyDictionary<string, long> walSizes)
    {
        foreach (var b in newestFirst)
        {
            var line = $"{b.Id} - {Time(b.EndTime)} - Size: {ByteSize.Format(b.Size)} - WAL Size: {ByteSize.Format(walSizes.GetValueOrDefault(b.Id))}";
            if (b.Method == BackupMethod.Files)
            {
                line += b.Parent is { } parent ? $" - files, incremental from {parent} ({ByteSize.Format(b.Size + b.LinkedSize)} with linked files)" : " - files";
            }
            if (b.Status != BackupStatus.Done)
            {
                line += " - " + b.Status.ToName();
            }
            if (b.Keep)
            {
                line += " - KEEP";
            }
            if (b.Name is { } name)
            {
                line += $" ({name})";
            }
            output.WriteLine(line);
        }
    }

    public static void WriteJson(Stream output, IReadOnlyList<BackupInfo> newestFirst, IReadOnlyDictionary<string, long> walSizes)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var b in newestFirst)
        {
            json.WriteStartObject();
            json.WriteString("backup_id", b.Id);
            json.WriteString("backup_name", b.Name);
            json.WriteString("status", b.Status.ToName());
            json.WriteBoolean("keep", b.Keep);
            json.WriteString("begin_time", b.BeginTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("end_time", b.EndTime?.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("size_bytes", b.Size);
            json.WriteNumber("data_size_bytes", b.DataSize);
            json.WriteString("method", b.Method.ToName());
            json.WriteString("parent_backup_id", b.Parent);
            json.WriteNumber("linked_size_bytes", b.LinkedSize);
            json.WriteNumber("wal_size_bytes", walSizes.GetValueOrDefault(b.Id));
            json.WriteNumber("timeline", b.Timeline);
            json.WriteString("begin_lsn", b.BeginLsn.ToString());
            json.WriteString("end_lsn", b.EndLsn.IsValid ? b.EndLsn.ToString() : null);
            json.WriteString("begin_wal", b.BeginWal?.Name(WalSegment.DefaultSize));
            json.WriteString("end_wal", b.EndWal?.Name(WalSegment.DefaultSize));
            json.WriteString("system_identifier", b.SystemIdentifier);
            json.WriteString("source_node", b.SourceNode);
            json.WriteString("error", b.Error);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    public static void WriteShow(TextWriter output, BackupInfo b, long walSize, BackupInfo? previous, BackupInfo? next)
    {
        output.WriteLine($"Backup {b.Id}:");
        Row(output, "Name", b.Name ?? "-");
        Row(output, "Status", b.Status.ToName() + (b.Keep ? " (KEEP)" : ""));
        Row(output, "System Id", b.SystemIdentifier);
        Row(output, "PostgreSQL Version", b.ServerVersion.ToString(CultureInfo.InvariantCulture));
        Row(output, "Source node", b.SourceNode ?? "-");
        output.WriteLine("  Base backup information:");
        Row(output, "Backup method", b.Method == BackupMethod.Files ? "files (read by the node's agent)" : "tar (pg_basebackup)");
        if (b.Method == BackupMethod.Files)
        {
            Row(output, "Parent backup", b.Parent ?? "- (a full backup)");
            Row(output, "Stored by this backup", ByteSize.Format(b.Size));
            Row(output, "Linked from the parent", ByteSize.Format(b.LinkedSize));
        }
        Row(output, "Disk usage", $"{ByteSize.Format(b.Size + b.LinkedSize)} ({ByteSize.Format(b.Size + b.LinkedSize + walSize)} with WALs)");
        Row(output, "Data size", ByteSize.Format(b.DataSize));
        Row(output, "Timeline", b.Timeline.ToString(CultureInfo.InvariantCulture));
        Row(output, "Begin WAL", b.BeginWal?.Name(WalSegment.DefaultSize) ?? "-");
        Row(output, "End WAL", b.EndWal?.Name(WalSegment.DefaultSize) ?? "-");
        Row(output, "Begin LSN", b.BeginLsn.ToString());
        Row(output, "End LSN", b.EndLsn.IsValid ? b.EndLsn.ToString() : "-");
        Row(output, "Begin time", Time(b.BeginTime));
        Row(output, "End time", Time(b.EndTime));
        if (b.EndTime is { } end && end > b.BeginTime)
        {
            var seconds = (end - b.BeginTime).TotalSeconds;
            Row(output, "Copy time", string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} seconds"));
            Row(output, "Estimated throughput", $"{ByteSize.Format((long)(b.DataSize / Math.Max(seconds, 0.001)))}/s");
        }
        if (b.Error is { } error)
        {
            Row(output, "Error", error);
        }
        output.WriteLine("  WAL information:");
        Row(output, "WAL size", ByteSize.Format(walSize));
        output.WriteLine("  Catalog information:");
        Row(output, "Previous Backup", previous?.Id ?? "- (this is the oldest base backup)");
        Row(output, "Next Backup", next?.Id ?? "- (this is the latest base backup)");
    }

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'+00'", CultureInfo.InvariantCulture) : "-";

    private static void Row(TextWriter output, string label, string value) => output.WriteLine($"    {label,-22}: {value}");
}
