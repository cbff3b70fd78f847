namespace Pgward.Testing.Chaos;

/// <summary>How a writer numbers its rows: the client in the billions, its sequence below, so that every id in a run is
/// unique and names the client that wrote it.</summary>
public static class ChaosIds
{
    public const long PerClient = 1_000_000_000;

    public static long For(int client, long sequence) => client * PerClient + sequence;

    public static int Client(long id) => (int)(id / PerClient);
}
