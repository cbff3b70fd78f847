using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Pgward.Cli.Commands;
using Pgward.Core;
using Pgward.Core.Config;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// <c>pgward sandbox up</c>: from nothing to a primary and its standbys on 127.0.0.1, built by running pgward's own
/// <c>primary register</c>, <c>standby clone</c> and <c>standby register</c> commands against each node's pgward.conf.
/// </summary>
public sealed class SandboxUp(CommandRunner runner, ParseResult parse, SandboxLayout layout)
{
    /// <summary>The database user and database every sandbox node uses (scram-sha-256 over TLS, loopback only; see
    /// <see cref="SandboxAuthentication"/>).</summary>
    public const string User = "pgward";

    private readonly IReporter reporter = runner.CreateReporter(parse, configured: null);

    /// <param name="givenPort">--port as given on the command line (null: left out); a sandbox that already exists must
    /// have it, as <paramref name="givenNodes"/> (--nodes).</param>
    public async Task<int> RunAsync(int nodeCount, int basePort, bool witness, bool agents, bool automaticFailover, bool backup, bool tls,
        CancellationToken ct, int? givenPort = null, int? givenNodes = null)
    {
        var (servers, account, problem) = SandboxServers.Create();
        if (servers is null || account is null)
        {
            reporter.Error(problem!);
            return ExitCodes.BadConfig;
        }
        var existing = layout.ExistingNodes();
        if (existing.Count > 0)
        {
            var existingPort = existing.Min(n => n.AgentPort) - SandboxBuilder.AgentPortOffset;
            if ((givenPort is { } port && port != existingPort) || (givenNodes is { } count && count != existing.Count))
            {
                // `up` starts an existing sandbox as it was made; new ports or nodes would be silently ignored.
                reporter.Error($"the sandbox in \"{layout.Directory}\" has {existing.Count} node(s) from port {existingPort}: "
                    + string.Join(" and ", new[] { givenNodes is { } n ? $"--nodes {n}" : null, givenPort is { } p ? $"--port {p}" : null }.OfType<string>())
                    + " cannot change it");
                reporter.Hint($"leave --port and --nodes out to start it as it is, or remove it first with \"pgward sandbox down --purge --dir {layout.Directory}\"");
                return ExitCodes.BadConfig;
            }
            return await ResumeAsync(servers, existing, agents, ct);
        }
        var serverCount = nodeCount + (witness ? 1 : 0);
        var busy = BusyPorts(basePort, serverCount)
            .Concat(agents ? BusyPorts(basePort + SandboxBuilder.AgentPortOffset, serverCount) : [])
            .Concat(backup ? BusyPorts(basePort + SandboxBuilder.AgentPortOffset + SandboxBackup.EndpointPortOffset, 1) : [])
            .ToList();
        if (busy.Count > 0)
        {
            reporter.Error($"port{(busy.Count > 1 ? "s" : "")} {string.Join(", ", busy)} on 127.0.0.1 already in use");
            reporter.Hint("choose other ports with --port");
            return ExitCodes.BadConfig;
        }

        Directory.CreateDirectory(layout.Directory);
        if (await account.CheckTraversableAsync(layout.Directory, ct) is { } denied)
        {
            reporter.Error(denied);
            reporter.Hint("choose a directory that the server's OS user can reach with --dir, e.g. under /tmp");
            return ExitCodes.BadConfig;
        }
        // One token for the sandbox: every node's CLI may call every node's agent.
        var builder = new SandboxBuilder(runner, servers, account, layout, reporter, RandomNumberGenerator.GetHexString(32, lowercase: true), automaticFailover, tls);
        var code = await builder.BuildAsync(nodeCount, basePort, witness, ct);
        if (code != ExitCodes.Success)
        {
            foreach (var node in layout.ExistingNodes())
            {
                await servers.StopAsync(node, CancellationToken.None);
            }
            reporter.Hint($"the servers are stopped; remove what was built with \"pgward sandbox down --purge --dir {layout.Directory}\"");
            return code;
        }
        if (agents && await StartAgentsAsync(layout.ExistingNodes(), ct) is { } agentFailure)
        {
            return agentFailure;
        }
        if (backup && await new SandboxBackup(runner, layout, reporter).SetUpAsync(layout.ExistingNodes()[0], ct) is { } backupFailure)
        {
            return backupFailure;
        }
        await PgwardApp.RunAsync(["-f", layout.ConfigFile(1), "cluster", "show"], runner.Environment, ct);
        WhatNext(nodeCount, basePort, witness, agents, backup);
        return ExitCodes.Success;
    }

    private async Task<int> ResumeAsync(SandboxServers servers, IReadOnlyList<NodeOptions> nodes, bool agents, CancellationToken ct)
    {
        var stopped = nodes.Where(n => SandboxServers.RunningPid(n) is null).ToList();
        var agentsDown = agents ? nodes.Where(n => SandboxServers.AgentPid(n) is null).ToList() : [];
        if (stopped.Count == 0 && agentsDown.Count == 0)
        {
            reporter.Notice($"the sandbox in \"{layout.Directory}\" already runs ({nodes.Count} nodes)");
            return await PgwardApp.RunAsync(["-f", nodes[0].ConfigFile!, "cluster", "show"], runner.Environment, ct) switch
            {
                ExitCodes.NodeStatus => ExitCodes.NodeStatus,
                _ => ExitCodes.Success,
            };
        }
        // The primary first, so standbys find their upstream when they start.
        foreach (var node in stopped.OrderBy(n => File.Exists(Path.Combine(n.DataDirectory, "standby.signal"))))
        {
            reporter.Notice($"starting {node.NodeName}");
            var started = await servers.StartAsync(node, ct);
            if (!started.Succeeded)
            {
                reporter.Error(started.Describe());
                return ExitCodes.LocalCommand;
            }
        }
        if (await StartAgentsAsync(agentsDown, ct) is { } agentFailure)
        {
            return agentFailure;
        }
        if (await new SandboxBackup(runner, layout, reporter).ResumeAsync(ct) is { } backupFailure)
        {
            return backupFailure;
        }
        return await PgwardApp.RunAsync(["-f", nodes[0].ConfigFile!, "cluster", "show"], runner.Environment, ct);
    }

    /// <summary>Starts each node's agent in the background with <c>pgward daemon start</c>; null when all run.</summary>
    private async Task<int?> StartAgentsAsync(IReadOnlyList<NodeOptions> nodes, CancellationToken ct)
    {
        // The primary's agent last: it must hear from a majority within fence_timeout of its start, so the voters
        // should be listening by then (standbys, then the witness, then the primary).
        var order = nodes.OrderByDescending(n => File.Exists(Path.Combine(n.DataDirectory, "standby.signal"))).ThenByDescending(n => n.NodeId);
        foreach (var node in order)
        {
            reporter.Notice($"starting the agent of {node.NodeName} on port {node.AgentPort}");
            var code = await PgwardApp.RunAsync(["-f", node.ConfigFile!, "-q", "daemon", "start"], runner.Environment, ct);
            if (code != ExitCodes.Success)
            {
                return code;
            }
        }
        return null;
    }

    /// <summary>psql with node 1's conninfo: TLS verified against the sandbox's CA, the password from its password file.</summary>
    private string PsqlCommand()
    {
        var conninfo = Core.Postgres.Conninfo.Parse(layout.ExistingNodes()[0].Conninfo).With("connect_timeout", null);
        return $"psql \"{conninfo}\"";
    }

    internal static List<int> BusyPorts(int basePort, int count)
    {
        var busy = new List<int>();
        for (var port = basePort; port < basePort + count; port++)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException)
            {
                busy.Add(port);
            }
        }
        return busy;
    }

    private void WhatNext(int nodeCount, int basePort, bool witness, bool agents, bool backup)
    {
        var output = runner.Environment.Out;
        var conf1 = layout.ConfigFile(1);
        output.WriteLine();
        output.WriteLine($"The sandbox runs in {layout.Directory}: node1 is the primary on port {basePort}"
            + (nodeCount > 1 ? $", node2..node{nodeCount} are its standbys on ports {basePort + 1}..{basePort + nodeCount - 1}" : "")
            + (witness ? $", the witness is on port {basePort + nodeCount}." : "."));
        output.WriteLine(Environment.ProcessPath is { } self && Path.GetFileName(self) == "pgward"
            ? $"Try ({self}; add its directory to PATH):"
            : "Try:");
        output.WriteLine($"  pgward -f {conf1} cluster show");
        output.WriteLine($"  pgward -f {conf1} cluster event");
        if (nodeCount > 1)
        {
            output.WriteLine($"  pgward -f {layout.ConfigFile(2)} node check");
            output.WriteLine($"  pgward -f {layout.ConfigFile(2)} node check --replication-lag --nagios");
        }
        if (nodeCount > 1 && agents)
        {
            output.WriteLine($"  pgward -f {layout.ConfigFile(2)} standby switchover --siblings-follow");
        }
        if (nodeCount > 1 && agents)
        {
            output.WriteLine($"  pgward -f {layout.ConfigFile(2)} daemon status       # failover: kill -9 node1's postmaster, then look again");
        }
        if (backup)
        {
            var backupConf = new SandboxBackup(runner, layout, reporter).ConfigFile;
            output.WriteLine($"  pgward -f {backupConf} backup list");
            output.WriteLine($"  pgward -f {backupConf} backup check");
            output.WriteLine($"  pgward -f {backupConf} backup recover latest /tmp/pgward-restore --target-immediate");
        }
        output.WriteLine($"  {PsqlCommand()}");
        output.WriteLine($"Stop it with:  pgward sandbox down --dir {layout.Directory}");
    }
}
