using System.CommandLine;
using Pgward.Cli.Commands;

namespace Pgward.Cli.Sandbox;

public static class SandboxCommands
{
    public static Command Build(CommandRunner runner)
    {
        var sandbox = new Command("sandbox", "a whole local cluster on 127.0.0.1 for trying pgward out");

        var nodes = NumberOptions.WholeNumber("--nodes", "number of nodes: one primary, the rest standbys", defaultValue: 3, min: 1, max: 9);
        var dir = DirectoryOption();
        // Each node's agent listens 1000 above its server (SandboxBuilder.AgentPortOffset).
        var port = NumberOptions.WholeNumber("--port", "port of the first node; the others follow", defaultValue: 5501, min: 1024, max: 64000);
        var witness = new Option<bool>("--witness")
        {
            Description = "also start a witness, a separate server that holds a copy of the metadata (--witness false to leave it out)",
            DefaultValueFactory = _ => true,
        };
        var agents = new Option<bool>("--agents")
        {
            Description = "also start each node's agent (pgward daemon start) on its port plus 1000 (--agents false to leave them out)",
            DefaultValueFactory = _ => true,
        };
        var failover = new Option<string>("--failover")
        {
            Description = "failover in every node's pgward.conf: automatic (with auto_rejoin) or manual",
            DefaultValueFactory = _ => "automatic",
        };
        failover.AcceptOnlyFromAmong("automatic", "manual");
        var backup = new Option<bool>("--backup")
        {
            Description = "also set up a backup server in DIR/backup: WAL streaming and a first base backup (--backup false to leave it out)",
            DefaultValueFactory = _ => true,
        };
        var tls = new Option<bool>("--tls")
        {
            Description = "TLS for PostgreSQL (verify-full) and the agents, with a CA made for the sandbox (--tls false: without, as a baseline for benchmarks)",
            DefaultValueFactory = _ => true,
        };
        var up = new Command("up", "start a primary, its standbys, a witness and their agents, built with pgward's own commands")
        {
            nodes, dir, port, witness, agents, failover, backup, tls,
        };
        up.SetAction((parse, ct) => new SandboxUp(runner, parse, new SandboxLayout(parse.GetValue(dir)!)).RunAsync(parse.GetValue(nodes), parse.GetValue(port), parse.GetValue(witness), parse.GetValue(agents),
            parse.GetValue(failover) == "automatic", parse.GetValue(backup), parse.GetValue(tls), ct,
            givenPort: parse.GetResult(port) is { Implicit: false } ? parse.GetValue(port) : null,
            givenNodes: parse.GetResult(nodes) is { Implicit: false } ? parse.GetValue(nodes) : null));
        sandbox.Add(up);

        var statusDir = DirectoryOption();
        var status = new Command("status", "which sandbox servers run, and cluster show") { statusDir };
        status.SetAction((parse, ct) => new SandboxStatus(runner, parse, new SandboxLayout(parse.GetValue(statusDir)!)).RunAsync(ct));
        sandbox.Add(status);

        var downDir = DirectoryOption();
        var purge = new Option<bool>("--purge") { Description = "also delete the sandbox directory" };
        var down = new Command("down", "stop every sandbox server") { downDir, purge };
        down.SetAction((parse, ct) => new SandboxDown(runner, parse, new SandboxLayout(parse.GetValue(downDir)!)).RunAsync(parse.GetValue(purge), ct));
        sandbox.Add(down);
        return sandbox;
    }

    private static Option<string> DirectoryOption() => new("--dir")
    {
        Description = "sandbox directory",
        DefaultValueFactory = _ => SandboxLayout.DefaultDirectory,
    };
}
