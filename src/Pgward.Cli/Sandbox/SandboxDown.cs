using System.CommandLine;
using Pgward.Cli.Commands;
using Pgward.Cluster.Agents;
using Pgward.Core;
using Pgward.Core.Reporting;

namespace Pgward.Cli.Sandbox;

/// <summary><c>pgward sandbox down [--dir DIR] [--purge]</c>: stops every server of the sandbox, standbys first.</summary>
public sealed class SandboxDown(CommandRunner runner, ParseResult parse, SandboxLayout layout)
{
    public async Task<int> RunAsync(bool purge, CancellationToken ct)
    {
        var reporter = runner.CreateReporter(parse, configured: null);
        var nodes = layout.ExistingNodes();
        if (nodes.Count == 0)
        {
            reporter.Error($"no sandbox in \"{layout.Directory}\"");
            reporter.Hint("give the directory of the sandbox with --dir");
            return ExitCodes.BadConfig;
        }
        var (servers, _, problem) = SandboxServers.Create();
        if (servers is null)
        {
            reporter.Error(problem!);
            return ExitCodes.BadConfig;
        }
        await new SandboxBackup(runner, layout, reporter).StopAsync(ct);
        // Agents first: a running agent could be asked to start a server again while the sandbox goes down. Paused
        // first, as for any maintenance: a stopping primary's agent then leaves its server alone, where it would
        // otherwise hand the primary role over to a standby about to go down too.
        var running = nodes.Where(n => SandboxServers.AgentPid(n) is not null).ToList();
        var pausedBefore = running.Count > 0 && PauseFlag.For(running[0]).IsPaused;
        if (running.Count > 0 && !pausedBefore)
        {
            await PgwardApp.RunAsync(["-f", running[0].ConfigFile!, "-q", "daemon", "pause"], runner.Environment, ct);
        }
        foreach (var node in running)
        {
            var stopped = await PgwardApp.RunAsync(["-f", node.ConfigFile!, "-q", "daemon", "stop"], runner.Environment, ct);
            reporter.Notice($"{node.NodeName}: agent {(stopped == ExitCodes.Success ? "stopped" : "did not stop")}");
        }
        // The pause was the sandbox's own: "sandbox up" starts the agents unpaused, as they were.
        foreach (var node in pausedBefore ? [] : running)
        {
            PauseFlag.For(node).Unpause();
        }
        // Standbys first, so the primary's shutdown checkpoint is not waiting on WAL senders of standbys about to go.
        foreach (var node in nodes.OrderByDescending(n => File.Exists(Path.Combine(n.DataDirectory, "standby.signal"))).ThenByDescending(n => n.NodeId))
        {
            reporter.Notice($"{node.NodeName}: {await servers.StopAsync(node, ct)}");
        }
        var stillRunning = nodes.Where(n => SandboxServers.RunningPid(n) is not null || SandboxServers.AgentPid(n) is not null).ToList();
        if (stillRunning.Count > 0)
        {
            reporter.Error("still running: " + string.Join(", ", stillRunning.Select(n => n.NodeName)));
            return ExitCodes.LocalCommand;
        }
        if (purge)
        {
            Directory.Delete(layout.Directory, recursive: true);
            reporter.Notice($"deleted \"{layout.Directory}\"");
        }
        else
        {
            reporter.Notice($"the sandbox is stopped; its files stay in \"{layout.Directory}\" (\"sandbox up\" starts it again, \"sandbox down --purge\" deletes it)");
        }
        return ExitCodes.Success;
    }
}
