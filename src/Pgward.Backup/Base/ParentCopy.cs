namespace Pgward.Backup.Base;

/// <summary>The parent backup's copy of one file, as an incremental reuses it.</summary>
/// <param name="Entry">The parent manifest's line for the file.</param>
/// <param name="Stored">The stored copy: <c>&lt;name&gt;.lz4</c>, or <c>&lt;name&gt;.patch</c> when <see cref="PatchBase"/> is set.</param>
/// <param name="Depth">0 for a whole file, else the patch's depth (<see cref="Files.BlockPatch.MaxDepth"/>).</param>
/// <param name="PatchBase">The backup the parent's patch lies over, when the copy is a patch.</param>
/// <param name="Map">The copy's block map (<c>&lt;name&gt;.blocks</c>), when it has one.</param>
public sealed record ParentCopy(ManifestFile Entry, string Stored, int Depth, string? PatchBase, string? Map);
