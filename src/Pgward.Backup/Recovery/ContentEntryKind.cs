namespace Pgward.Backup.Recovery;

/// <summary>What a <see cref="ContentEntry"/> is.</summary>
public enum ContentEntryKind
{
    Directory,
    File,
    SymbolicLink,
}
