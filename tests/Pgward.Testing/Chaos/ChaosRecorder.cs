namespace Pgward.Testing.Chaos;

/// <summary>The history the clients of one run append to, safe to read while they run.</summary>
internal sealed class ChaosRecorder(TimeProvider time)
{
    private readonly long started = time.GetTimestamp();
    private readonly List<WriteOperation> writes = [];
    private readonly List<ReadObservation> reads = [];
    private int acknowledged;

    /// <summary>Time since the run's start on a monotonic clock.</summary>
    public TimeSpan Elapsed => time.GetElapsedTime(started);

    public int Acknowledged => Volatile.Read(ref acknowledged);

    public void Add(WriteOperation write)
    {
        lock (writes)
        {
            writes.Add(write);
        }
        if (write.Outcome == WriteOutcome.Acknowledged)
        {
            Interlocked.Increment(ref acknowledged);
        }
    }

    public void Add(ReadObservation read)
    {
        lock (writes)
        {
            reads.Add(read);
        }
    }

    public ChaosHistory Snapshot()
    {
        lock (writes)
        {
            return new ChaosHistory([.. writes], [.. reads]);
        }
    }
}
