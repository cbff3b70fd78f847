using System.CommandLine;
using System.CommandLine.Help;
using Pgward.Cli.Commands;
using Pgward.Cli.Sandbox;

namespace Pgward.Cli;

/// <summary>The <c>pgward</c> command tree: <c>pgward [-f pgward.conf] &lt;object&gt; &lt;verb&gt; [options]</c>, as repmgr's.</summary>
public static class PgwardApp
{
    public static RootCommand BuildRoot(CliEnvironment env)
    {
        var root = new RootCommand("pgward: PostgreSQL cluster management, automatic failover and backups");

        // -h means --host (standby clone -h HOST), as in repmgr and libpq; help is --help or -?.
        for (var i = 0; i < root.Options.Count; i++)
        {
            if (root.Options[i] is HelpOption)
            {
                root.Options[i] = new HelpOption("--help", "-?");
            }
        }

        var globals = new GlobalOptions();
        globals.AddTo(root);
        var runner = new CommandRunner(env, globals);
        root.Add(PrimaryCommands.Build(runner));
        root.Add(StandbyCommands.Build(runner));
        root.Add(WitnessCommands.Build(runner));
        root.Add(NodeCommands.Build(runner));
        root.Add(ClusterCommands.Build(runner));
        root.Add(DaemonCommands.Build(runner));
        root.Add(BackupCommandGroup.Build(runner));
        root.Add(SandboxCommands.Build(runner));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct)
    {
        var parse = BuildRoot(env).Parse(args);
        // Ctrl-C cancels the token the command runs with and the command decides how to stop (a clone empties the
        // directory it was filling); System.CommandLine must not kill the process after a grace period instead.
        var config = new InvocationConfiguration { Output = env.Out, Error = env.Error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(config, ct);
    }
}
