using System.Globalization;
using System.Text;
using Pgward.Backup.Base;
using Pgward.Backup.Wal;
using Pgward.Core.Postgres;

namespace Pgward.Backup.Catalog;

/// <summary>
/// <c>backup.info</c>: <c>key=value</c> lines as Barman's, so people and scripts that read Barman's can read it.
/// Unknown keys are ignored on reading (a newer pgward may add some).
/// </summary>
public static class BackupInfoFile
{
    public const string FileName = "backup.info";

    public static string Render(BackupInfo info)
    {
        var sb = new StringBuilder();
        void Line(string key, string? value)
        {
            if (value is not null)
            {
                // One line per key: a value never holds a newline (an error message is flattened).
                sb.Append(key).Append('=').Append(value.ReplaceLineEndings(" ")).Append('\n');
            }
        }

        Line("backup_id", info.Id);
        Line("backup_name", info.Name);
        Line("status", info.Status.ToName());
        Line("keep", info.Keep ? "true" : "false");
        Line("systemid", info.SystemIdentifier);
        Line("version", info.ServerVersion.ToString(CultureInfo.InvariantCulture));
        Line("source_node", info.SourceNode);
        Line("pgdata", info.SourceFiles.DataDirectory);
        Line("config_file", info.SourceFiles.ConfigFile);
        Line("hba_file", info.SourceFiles.HbaFile);
        Line("ident_file", info.SourceFiles.IdentFile);
        Line("timeline", info.Timeline.ToString(CultureInfo.InvariantCulture));
        Line("begin_xlog", info.BeginLsn.ToString());
        Line("begin_wal", info.BeginWal?.Name(WalSegment.DefaultSize));
        Line("begin_time", info.BeginTime.ToString("O", CultureInfo.InvariantCulture));
        Line("end_xlog", info.EndLsn.IsValid ? info.EndLsn.ToString() : null);
        Line("end_wal", info.EndWal?.Name(WalSegment.DefaultSize));
        Line("end_time", info.EndTime?.ToString("O", CultureInfo.InvariantCulture));
        Line("size", info.Size.ToString(CultureInfo.InvariantCulture));
        Line("data_size", info.DataSize.ToString(CultureInfo.InvariantCulture));
        Line("compression", "lz4");
        Line("method", info.Method.ToName());
        Line("parent_backup_id", info.Parent);
        Line("linked_size", info.Method == BackupMethod.Files ? info.LinkedSize.ToString(CultureInfo.InvariantCulture) : null);
        Line("patch_bases", info.PatchBases.Count > 0 ? string.Join(',', info.PatchBases) : null);
        Line("list_time", info.ListTime?.ToString("O", CultureInfo.InvariantCulture));
        Line("data_checksums", info.DataChecksums switch { true => "on", false => "off", null => null });
        Line("xlog_segment_size", WalSegment.DefaultSize.ToString(CultureInfo.InvariantCulture));
        Line("pid", info.Pid?.ToString(CultureInfo.InvariantCulture));
        Line("error", info.Error);
        return sb.ToString();
    }

    /// <summary>Parses the file's text; throws <see cref="FormatException"/> naming the bad key.</summary>
    public static BackupInfo Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[line[..eq]] = line[(eq + 1)..];
            }
        }

        string Required(string key) => values.TryGetValue(key, out var v) ? v : throw new FormatException($"backup.info has no \"{key}\"");
        string? Optional(string key) => values.GetValueOrDefault(key);
        long Long(string key) => Optional(key) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : 0;
        Lsn LsnOf(string key) => Optional(key) is { } v ? Lsn.Parse(v) : Lsn.Invalid;
        DateTimeOffset? Time(string key) => Optional(key) is { } v ? DateTimeOffset.Parse(v, CultureInfo.InvariantCulture) : null;

        return new BackupInfo
        {
            Id = Required("backup_id"),
            Name = Optional("backup_name"),
            Status = BackupStatusNames.Parse(Required("status")),
            Keep = Optional("keep") == "true",
            SystemIdentifier = Required("systemid"),
            ServerVersion = (int)Long("version"),
            SourceNode = Optional("source_node"),
            SourceFiles = new ServerFiles(Optional("pgdata"), Optional("config_file"), Optional("hba_file"), Optional("ident_file")),
            Timeline = (uint)Long("timeline"),
            BeginLsn = LsnOf("begin_xlog"),
            EndLsn = LsnOf("end_xlog"),
            BeginTime = Time("begin_time") ?? throw new FormatException("backup.info has no \"begin_time\""),
            EndTime = Time("end_time"),
            Size = Long("size"),
            DataSize = Long("data_size"),
            Pid = Optional("pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            Error = Optional("error"),
            Method = Optional("method") switch
            {
                null or "tar" => BackupMethod.Tar,
                "files" => BackupMethod.Files,
                var other => throw new FormatException($"backup.info has an unknown method \"{other}\""),
            },
            Parent = Optional("parent_backup_id"),
            LinkedSize = Long("linked_size"),
            ListTime = Time("list_time"),
            DataChecksums = Optional("data_checksums") switch
            {
                null => null,
                "on" => true,
                "off" => false,
                var other => throw new FormatException($"backup.info has data_checksums \"{other}\", neither on nor off"),
            },
            PatchBases = Optional("patch_bases")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
        };
    }
}
