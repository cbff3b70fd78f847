namespace Pgward.Cluster.Backups;

/// <summary>A local file a delta restore compares with the backup's copy (<see cref="RestorePlan.ToCompare"/>).</summary>
/// <param name="Entry">The backup's copy, as its manifest lists it.</param>
/// <param name="LocalSize">The local file's length when the directory was listed.</param>
public sealed record RestoreCompare(RestoreEntry Entry, long LocalSize);
