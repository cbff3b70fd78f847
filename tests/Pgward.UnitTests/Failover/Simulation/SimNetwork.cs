namespace Pgward.UnitTests.Failover.Simulation;

/// <summary>Links with random delay and loss, and directed cuts (a cut from A to B drops what A sends to B,
/// also what is already in flight when it arrives).</summary>
public sealed class SimNetwork(SimSettings settings, Random random)
{
    private readonly PriorityQueue<SimMessage, (DateTimeOffset At, long Sequence)> inFlight = new();
    private readonly HashSet<(int From, int To)> cuts = [];
    private long sequence;

    public double Loss { get; set; } = settings.Loss;

    public int Sent { get; private set; }

    public void Send(SimMessage message, DateTimeOffset now)
    {
        Sent++;
        if (IsCut(message.From, message.To) || random.NextDouble() < Loss)
        {
            return;
        }

        var span = (settings.MaxDelay - settings.MinDelay).Ticks;
        var delay = settings.MinDelay + TimeSpan.FromTicks((long)(random.NextDouble() * span));
        inFlight.Enqueue(message, (now + delay, sequence++));
    }

    /// <summary>Messages due by <paramref name="now"/>, in arrival order, minus those whose link is cut.</summary>
    public IEnumerable<SimMessage> Due(DateTimeOffset now)
    {
        while (inFlight.TryPeek(out var message, out var key) && key.At <= now)
        {
            inFlight.Dequeue();
            if (!IsCut(message.From, message.To))
            {
                yield return message;
            }
        }
    }

    public bool IsCut(int from, int to) => cuts.Contains((from, to));

    public void Cut(int from, int to) => cuts.Add((from, to));

    public void Heal() => cuts.Clear();
}
