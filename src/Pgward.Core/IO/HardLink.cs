namespace Pgward.Core.IO;

/// <summary>Hard links, which .NET has no API for: how an incremental backup shares its parent's unchanged files.</summary>
public static class HardLink
{
    /// <summary>Makes <paramref name="newPath"/> a second name of <paramref name="existing"/> (same file system);
    /// throws <see cref="IOException"/> when it cannot.</summary>
    public static void Create(string existing, string newPath) => Libc.HardLink(existing, newPath);
}
