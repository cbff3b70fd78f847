using System.CommandLine;
using Pgward.Core;

namespace Pgward.Cli;

/// <summary>The <c>pgward</c> command tree.</summary>
public static class PgwardApp
{
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct)
    {
        var root = new RootCommand("pgward: PostgreSQL cluster management, automatic failover and backups");
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { Output = env.Out, Error = env.Error };
        await Task.Yield();
        return parse.Errors.Count > 0 ? ExitCodes.BadConfig : await parse.InvokeAsync(config, ct);
    }
}
