using System.CommandLine;
using System.Globalization;
using Pgward.Cli.Commands;
using Pgward.Cli.Output;
using Pgward.Core;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Sandbox;

/// <summary><c>pgward sandbox status [--dir DIR]</c>: each node's server, then <c>cluster show</c> from a running node.</summary>
public sealed class SandboxStatus(CommandRunner runner, ParseResult parse, SandboxLayout layout)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var reporter = runner.CreateReporter(parse, configured: null);
        var nodes = layout.ExistingNodes();
        if (nodes.Count == 0)
        {
            reporter.Error($"no sandbox in \"{layout.Directory}\"");
            reporter.Hint("start one with \"pgward sandbox up\", or give its directory with --dir");
            return ExitCodes.BadConfig;
        }
        var output = runner.Environment.Out;
        output.WriteLine($"Sandbox in {layout.Directory}:");
        TableWriter.Write(output, ["ID", "Name", "Port", "Server", "PID", "Agent", "Agent PID", "Config file"], nodes.Select(n =>
        {
            var pid = SandboxServers.RunningPid(n);
            var agent = SandboxServers.AgentPid(n);
            return (IReadOnlyList<string>)[n.NodeId.ToString(CultureInfo.InvariantCulture), n.NodeName,
                Conninfo.Parse(n.Conninfo).Port.ToString(CultureInfo.InvariantCulture), pid is null ? "stopped" : "running",
                pid?.ToString(CultureInfo.InvariantCulture) ?? "", agent is null ? "stopped" : $"running :{n.AgentPort}",
                agent?.ToString(CultureInfo.InvariantCulture) ?? "", n.ConfigFile ?? ""];
        }));
        output.WriteLine();
        var running = nodes.FirstOrDefault(n => SandboxServers.RunningPid(n) is not null);
        if (running is null)
        {
            reporter.Notice("no sandbox server runs; start them with \"pgward sandbox up\"");
            return ExitCodes.NodeStatus;
        }
        return await PgwardApp.RunAsync(["-f", running.ConfigFile!, "cluster", "show"], runner.Environment, ct);
    }
}
