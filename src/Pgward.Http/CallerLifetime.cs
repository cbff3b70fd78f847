using Microsoft.Extensions.Hosting;

namespace Pgward.Http;

/// <summary>
/// Replaces the console lifetime: the host stops when the token it was run with is cancelled (the CLI's Ctrl-C and
/// SIGTERM handling), not through signal handlers of its own, so that two agents, or an agent and a backup server, can
/// run in one test process.
/// </summary>
public sealed class CallerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
