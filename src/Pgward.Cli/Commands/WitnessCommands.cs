using System.CommandLine;
using Pgward.Cluster.Witness;

namespace Pgward.Cli.Commands;

public static class WitnessCommands
{
    public static Command Build(CommandRunner runner)
    {
        var witness = new Command("witness", "register or unregister the witness, a separate server that breaks ties in failover votes and never becomes primary");

        var host = new Option<string>("--host", "-h") { Description = "the primary's host", Required = true };
        var port = NumberOptions.Port("the primary's port (default 5432)");
        var user = new Option<string?>("--username", "-U") { Description = "database user (default: the user in conninfo)" };
        var dbname = new Option<string?>("--dbname", "-d") { Description = "database holding the metadata (default: the one in conninfo)" };
        var force = CommonOptions.Force();
        var dryRun = CommonOptions.DryRun();
        var register = new Command("register", "register the local server as witness and copy the node records to it")
        {
            host, port, user, dbname, force, dryRun,
        };
        register.SetAction((parse, ct) => runner.RunAsync(parse, (ctx, token) => new WitnessRegister(ctx).RunAsync(
            parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(user), parse.GetValue(dbname),
            parse.GetValue(force), parse.GetValue(dryRun), token), ct));
        witness.Add(register);

        var nodeId = CommonOptions.NodeId("the witness to unregister (default: the local node)");
        var unregisterDryRun = CommonOptions.DryRun();
        var unregister = new Command("unregister", "remove the witness's record") { nodeId, unregisterDryRun };
        unregister.SetAction((parse, ct) => runner.RunAsync(parse,
            (ctx, token) => new WitnessUnregister(ctx).RunAsync(parse.GetValue(nodeId), parse.GetValue(unregisterDryRun), token), ct));
        witness.Add(unregister);
        return witness;
    }
}
