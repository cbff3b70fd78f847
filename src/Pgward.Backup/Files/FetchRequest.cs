namespace Pgward.Backup.Files;

/// <summary><c>POST /backup/{session}/files</c>: files to read, compress and stream back in this order.</summary>
public sealed record FetchRequest(IReadOnlyList<FetchItem> Files);
