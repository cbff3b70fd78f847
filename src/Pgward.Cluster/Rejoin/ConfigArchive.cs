using Pgward.Core.IO;

namespace Pgward.Cluster.Rejoin;

/// <summary>
/// Copies the node's own configuration files aside before pg_rewind or a re-clone and puts them back afterwards.
/// The copies live beside the data directory (<c>pgward-config-archive-NODE</c>) and stay there if anything fails.
/// </summary>
public sealed class ConfigArchive(string dataDirectory, string archiveDirectory)
{
    private const int MaxIncludeDepth = 10;

    public string Directory => archiveDirectory;

    public static ConfigArchive For(string dataDirectory, string nodeName)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dataDirectory));
        var parent = Path.GetDirectoryName(full) ?? full;
        return new ConfigArchive(full, Path.Combine(parent, $"pgward-config-archive-{nodeName}"));
    }

    /// <summary>The files to keep (see <see cref="ConfigFilesToKeep"/>), following includes from postgresql.conf.</summary>
    public (IReadOnlyList<string> Keep, IReadOnlyList<string> Outside) Select(IReadOnlyList<string> requested)
    {
        var topLevel = System.IO.Directory.EnumerateFiles(dataDirectory).Select(f => Path.GetFileName(f)).ToList();
        var included = new List<string>();
        CollectIncludes(Path.Combine(dataDirectory, "postgresql.conf"), included, depth: 0);
        return ConfigFilesToKeep.Select(dataDirectory, topLevel, included, requested);
    }

    public async Task SaveAsync(IReadOnlyList<string> files, CancellationToken ct)
    {
        if (System.IO.Directory.Exists(archiveDirectory))
        {
            System.IO.Directory.Delete(archiveDirectory, recursive: true);
        }
        foreach (var file in files)
        {
            await CopyAsync(file, ArchivePath(file), ct);
        }
    }

    /// <summary>Puts the saved files back in the data directory; the caller hands them to the server account.</summary>
    public async Task RestoreAsync(IReadOnlyList<string> files, CancellationToken ct)
    {
        foreach (var file in files)
        {
            await CopyAsync(ArchivePath(file), file, ct);
        }
    }

    public void Remove()
    {
        if (System.IO.Directory.Exists(archiveDirectory))
        {
            System.IO.Directory.Delete(archiveDirectory, recursive: true);
        }
    }

    private string ArchivePath(string file) => Path.Combine(archiveDirectory, Path.GetRelativePath(dataDirectory, file));

    // The copies are created 0600 in 0700 directories (postgresql.auto.conf can hold primary_conninfo with a
    // password), given the original's mode once written, and owned like the data directory.
    private async Task CopyAsync(string from, string to, CancellationToken ct)
    {
        CreateDirectories(Path.GetDirectoryName(to)!);
        await using (var source = File.OpenRead(from))
        await using (var target = new FileStream(to, new FileStreamOptions
        {
            Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = DurableFile.OwnerOnly,
        }))
        {
            await source.CopyToAsync(target, ct);
        }
        File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        FileOwner.Match(to, dataDirectory);
    }

    private void CreateDirectories(string directory)
    {
        if (System.IO.Directory.Exists(directory))
        {
            return;
        }
        CreateDirectories(Path.GetDirectoryName(directory)!);
        System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        FileOwner.Match(directory, dataDirectory);
    }

    private static void CollectIncludes(string file, List<string> found, int depth)
    {
        if (depth > MaxIncludeDepth || !File.Exists(file))
        {
            return;
        }
        var directory = Path.GetDirectoryName(file)!;
        foreach (var include in ConfigInclude.Parse(File.ReadAllText(file)))
        {
            var path = Path.GetFullPath(include.Path, directory);
            var files = include.IsDirectory
                ? System.IO.Directory.Exists(path) ? System.IO.Directory.EnumerateFiles(path, "*.conf").Order(StringComparer.Ordinal) : []
                : File.Exists(path) ? [path] : Enumerable.Empty<string>();
            foreach (var included in files.Where(f => !found.Contains(f, StringComparer.Ordinal)))
            {
                found.Add(included);
                CollectIncludes(included, found, depth + 1);
            }
        }
    }
}
