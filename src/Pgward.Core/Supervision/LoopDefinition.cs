namespace Pgward.Core.Supervision;

/// <summary>A daemon loop's name (in logs and <c>/health</c>) and what its fault does. A daemon declares each of its loops
/// once, and registers it with <see cref="LoopSupervisor.Add(LoopDefinition, TimeSpan?, bool)"/> from that declaration,
/// so that a test can read every loop's policy from the code that runs it.</summary>
public sealed record LoopDefinition(string Name, LoopFaultPolicy Policy);
