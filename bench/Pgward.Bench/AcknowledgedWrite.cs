namespace Pgward.Bench;

/// <summary>One acknowledged INSERT: its id, when its answer arrived (µs since the Unix epoch) and the server port that acknowledged it.</summary>
public readonly record struct AcknowledgedWrite(long Id, long AtMicros, int Port);
