using System.CommandLine;
using Pgward.Cluster.Operations;

namespace Pgward.Cli.Commands;

public static class PrimaryCommands
{
    public static Command Build(CommandRunner runner)
    {
        var primary = new Command("primary", "register or unregister the primary");

        var force = CommonOptions.Force();
        var dryRun = CommonOptions.DryRun();
        var register = new Command("register", "create the pgward schema and register the local primary") { force, dryRun };
        register.SetAction((parse, ct) => runner.RunAsync(parse,
            (ctx, token) => new PrimaryRegister(ctx).RunAsync(parse.GetValue(force), parse.GetValue(dryRun), token), ct));
        primary.Add(register);

        var nodeId = CommonOptions.NodeId("the primary to unregister (default: the local node)");
        var unregisterForce = CommonOptions.Force();
        var unregisterDryRun = CommonOptions.DryRun();
        var unregister = new Command("unregister", "remove a primary's record (e.g. a failed former primary)")
        {
            nodeId, unregisterForce, unregisterDryRun,
        };
        unregister.SetAction((parse, ct) => runner.RunAsync(parse,
            (ctx, token) => new PrimaryUnregister(ctx).RunAsync(
                parse.GetValue(nodeId), parse.GetValue(unregisterForce), parse.GetValue(unregisterDryRun), token), ct));
        primary.Add(unregister);
        return primary;
    }
}
