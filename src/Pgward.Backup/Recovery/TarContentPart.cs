using System.Formats.Tar;
using Pgward.Backup.Base;

namespace Pgward.Backup.Recovery;

/// <summary>One lz4 tar archive of a <see cref="Catalog.BackupMethod.Tar"/> backup.</summary>
public sealed class TarContentPart(BackupArchive archive) : ContentPart
{
    public override string Name => archive.FileName;

    public override string? TablespaceOid => archive.TablespaceOid;

    public override IEnumerable<ContentEntry> Entries(CancellationToken ct)
    {
        var (stream, reader) = archive.Open();
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                ct.ThrowIfCancellationRequested();
                var kind = entry.EntryType switch
                {
                    TarEntryType.Directory => ContentEntryKind.Directory,
                    TarEntryType.SymbolicLink => ContentEntryKind.SymbolicLink,
                    TarEntryType.RegularFile or TarEntryType.V7RegularFile => ContentEntryKind.File,
                    _ => (ContentEntryKind?)null,
                };
                if (kind is { } known)
                {
                    var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
                    yield return new ContentEntry(name.TrimEnd('/'), archive.ManifestPath(entry), known, entry.Length, entry.LinkName,
                        () => entry.DataStream is { } data ? new NonClosingStream(data) : Stream.Null);
                }
            }
        }
        finally
        {
            reader.Dispose();
            stream.Dispose();
        }
    }
}
