using Npgsql;

namespace Pgward.Testing;

/// <summary>Runs a client's session again and again until the token ends: a failure of the connection or the server
/// ends one session, and the next begins after <c>retry</c>, as an application that reconnects would.</summary>
internal static class Reconnecting
{
    public static async Task RunAsync(Func<CancellationToken, Task> session, TimeSpan retry, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await session(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or IOException
                                          or OperationCanceledException)
            {
                if (!ct.IsCancellationRequested)
                {
                    await Task.Delay(retry, TimeProvider.System, CancellationToken.None);
                }
            }
        }
    }
}
