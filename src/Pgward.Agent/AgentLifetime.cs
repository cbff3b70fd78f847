using Microsoft.Extensions.Hosting;

namespace Pgward.Agent;

/// <summary>
/// Replaces the console lifetime: the agent stops when the token it was run with is cancelled (the CLI's Ctrl-C and
/// SIGTERM handling), not through signal handlers of its own, so two agents can run in one test process.
/// </summary>
internal sealed class AgentLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
