using System.Diagnostics;
using Pgward.Core.Processes;
using Pgward.Testing.Network;
using Xunit;

namespace Pgward.IntegrationTests.Deploy;

/// <summary>
/// The machines of docs/deploy.md as <see cref="GuideHost"/>s on one <see cref="TestNetwork"/> with the guide's own
/// addresses (10.0.0.1.. in the order of <see cref="HostNames"/>), and the guide run on them block by block.
/// <c>pgward</c> on their PATH is the executable given (the package's), and <c>scp</c> is <see cref="ScpStandIn"/>.
/// </summary>
public sealed class GuideMachines : IAsyncDisposable
{
    /// <summary>The guide's hosts, in the order of their addresses (its table).</summary>
    public static readonly IReadOnlyList<string> HostNames = ["db1", "db2", "db3", "witness", "backup", "app", "admin"];

    public const string Subnet = "10.0.0";

    private readonly string directory;
    private readonly Dictionary<string, GuideHost> hosts = [];
    private readonly ITestOutputHelper? output = TestContext.Current.TestOutputHelper;
    private bool privateMount;

    private GuideMachines(string directory, TestNetwork network)
    {
        this.directory = directory;
        Network = network;
    }

    public TestNetwork Network { get; }

    public GuideHost this[string name] => hosts[name];

    private string Staging => Path.Combine(directory, "staging");

    /// <param name="pgward">The executable the hosts run as <c>pgward</c>: copied into the test's directory, which the
    /// hosts' OS users can read, and run from there (a restore_command names it).</param>
    public static async Task<GuideMachines> StartAsync(string testDirectory, string pgward, CancellationToken ct)
    {
        var network = await TestNetwork.CreateAsync(HostNames, Subnet, ct);
        var machines = new GuideMachines(Path.Combine(testDirectory, "hosts"), network);
        try
        {
            await machines.CreateHostsAsync(testDirectory, pgward, ct);
            return machines;
        }
        catch
        {
            await machines.DisposeAsync();
            throw;
        }
    }

    private async Task CreateHostsAsync(string testDirectory, string pgward, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(Staging);
        File.SetUnixFileMode(Staging, (UnixFileMode)0b111_101_101);
        // A mount namespace can be kept in a file only on a mount that does not propagate: make sure this one does not.
        await RunAsync("mount", ["--bind", directory, directory], ct);
        privateMount = true;
        await RunAsync("mount", ["--make-private", directory], ct);

        var bin = Path.Combine(testDirectory, "bin");
        Directory.CreateDirectory(bin);
        File.Copy(pgward, Path.Combine(bin, "pgward"));
        File.SetUnixFileMode(Path.Combine(bin, "pgward"), (UnixFileMode)0b111_101_101);
        var path = $"{bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var name in HostNames)
        {
            hosts[name] = await GuideHost.CreateAsync(Network[name], Path.Combine(directory, name), path, ct);
        }
        var scp = Path.Combine(bin, "scp");
        await File.WriteAllTextAsync(scp, ScpStandIn.Script(hosts.Values), ct);
        File.SetUnixFileMode(scp, (UnixFileMode)0b111_101_101);
    }

    /// <summary>Runs every block of the guide that names a host, in order, each on its hosts in the order given.</summary>
    public async Task RunGuideAsync(IReadOnlyList<GuideBlock> blocks, CancellationToken ct)
    {
        var repository = DeployGuide.RepositoryRoot();
        var problems = GuideRules.Problems(blocks, HostNames);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        foreach (var block in blocks.Where(b => b.Hosts.Count > 0 && !b.NotTested))
        {
            foreach (var name in block.Hosts)
            {
                var started = Stopwatch.GetTimestamp();
                await RunBlockAsync(block, hosts[name], repository, ct);
                output?.WriteLine($"{Stopwatch.GetElapsedTime(started).TotalSeconds,5:0.0} s  {name,-8} line {block.Line}: {Summary(block)}");
            }
        }
    }

    private async Task RunBlockAsync(GuideBlock block, GuideHost host, string repository, CancellationToken ct)
    {
        if (block.File is { } file)
        {
            await host.WriteFileAsync(file, block.Text, block.User, block.Mode, Staging, ct);
            return;
        }
        var systemctl = block.CommandLines.Where(l => l.StartsWith("systemctl ", StringComparison.Ordinal)).ToList();
        if (systemctl.Count > 0)
        {
            // GuideRules made sure the block holds only systemctl lines that start units.
            foreach (var unit in systemctl.SelectMany(l => GuideRules.UnitsStarted(l)!))
            {
                await host.StartServiceAsync(ServiceUnit.Load(unit, repository, host.DropIns(unit)), ct);
            }
            return;
        }
        var deadline = Stopwatch.GetTimestamp();
        while (true)
        {
            var run = await host.RunAsync(block.Text, block.User, ct);
            if (run.ExitCode == 0)
            {
                output?.WriteLine(run.Out.TrimEnd());
                return;
            }
            if (Stopwatch.GetElapsedTime(deadline) >= block.Wait)
            {
                throw new InvalidOperationException($"{block} failed on {host.Name}: {run}\n{ServiceLogs()}");
            }
            await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, ct);
        }
    }

    private static string Summary(GuideBlock block) =>
        block.File is { } file ? $"wrote {file}" : block.CommandLines.FirstOrDefault() ?? "";

    public string ServiceLogs() => string.Join('\n', hosts.Values.Select(h => h.ServiceLogs()).Where(l => l.Length > 0));

    private static async Task RunAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest(tool, args) { Timeout = TimeSpan.FromSeconds(30) }, ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe());
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Every process first (they hold the namespaces), then the namespaces, then the network.
        foreach (var host in hosts.Values)
        {
            await host.StopAsync();
        }
        if (privateMount)
        {
            await new ProcessRunner().RunAsync(new ProcessRequest("umount", [directory]) { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None);
        }
        await Network.DisposeAsync();
    }
}
