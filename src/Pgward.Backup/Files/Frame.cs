namespace Pgward.Backup.Files;

/// <summary>One frame read by <see cref="FrameReader"/>; <see cref="Data"/> is only valid until the next read.</summary>
public readonly record struct Frame(FrameTag Tag, ReadOnlyMemory<byte> Data, long Size, string Checksum, string Message);
