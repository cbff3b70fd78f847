using System.Net;

namespace Pgward.Testing.Network;

/// <summary>
/// A private LAN of test hosts on one machine: each host is a network namespace with one address, all plugged into
/// a bridge that lives in a namespace of its own, so the machine's own network is never touched. Faults are made
/// where a real network would make them: a one-way drop of the packets one host sends another
/// (<see cref="DropAsync"/>), links cut both ways (<see cref="PartitionAsync"/>), a congested link. <see cref="HealAsync"/> undoes every fault;
/// disposing deletes the namespaces (stop the processes in them first).
/// </summary>
public sealed class TestNetwork : IAsyncDisposable
{
    private const string Bridge = "br0";
    private readonly string switchNamespace;
    private readonly Dictionary<string, TestHost> hosts = [];
    private readonly HashSet<(string From, string To)> drops = [];
    private readonly HashSet<string> throttled = [];

    private readonly string subnet;

    private TestNetwork(string prefix, string subnet)
    {
        switchNamespace = $"{prefix}-sw";
        this.subnet = subnet;
    }

    public TestHost this[string name] => hosts[name];

    /// <summary>Creates the LAN 10.77.0.0/24 with the hosts in order (10.77.0.1, .2, ...). Each network is private to
    /// its own bridge, so two tests can both use these addresses at the same time.</summary>
    public static Task<TestNetwork> CreateAsync(IReadOnlyList<string> hostNames, CancellationToken ct) =>
        CreateAsync(hostNames, "10.77.0", ct);

    /// <summary>Creates the LAN <paramref name="subnet"/>.0/24 (e.g. <c>10.0.0</c>) with the hosts in order (.1, .2, ...):
    /// a test that runs a document written for real addresses uses that document's own.</summary>
    public static async Task<TestNetwork> CreateAsync(IReadOnlyList<string> hostNames, string subnet, CancellationToken ct)
    {
        var network = new TestNetwork($"pgw{Guid.NewGuid().ToString("N")[..6]}", subnet);
        try
        {
            await NetworkNamespace.IpAsync(ct, "netns", "add", network.switchNamespace);
            await NetworkNamespace.IpAsync(ct, "-n", network.switchNamespace, "link", "add", Bridge, "type", "bridge");
            await NetworkNamespace.IpAsync(ct, "-n", network.switchNamespace, "link", "set", Bridge, "up");
            for (var i = 0; i < hostNames.Count; i++)
            {
                await network.AddHostAsync(hostNames[i], i + 1, ct);
            }
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    private async Task AddHostAsync(string name, int index, CancellationToken ct)
    {
        var host = new TestHost(name, $"{switchNamespace[..^3]}-{name}", IPAddress.Parse($"{subnet}.{index}"), $"p{index}");
        await NetworkNamespace.IpAsync(ct, "netns", "add", host.Namespace);
        hosts[name] = host;
        // Both ends are created where they live: the switch port in the switch namespace, eth0 in the host's.
        await NetworkNamespace.IpAsync(ct, "-n", switchNamespace, "link", "add", host.SwitchPort, "type", "veth", "peer", "name", "eth0", "netns", host.Namespace);
        await NetworkNamespace.IpAsync(ct, "-n", switchNamespace, "link", "set", host.SwitchPort, "master", Bridge, "up");
        await NetworkNamespace.IpAsync(ct, "-n", host.Namespace, "link", "set", "lo", "up");
        await NetworkNamespace.IpAsync(ct, "-n", host.Namespace, "addr", "add", $"{host.Address}/24", "dev", "eth0");
        await NetworkNamespace.IpAsync(ct, "-n", host.Namespace, "link", "set", "eth0", "up");
    }


    /// <summary>Drops every packet <paramref name="from"/> sends to <paramref name="to"/> (a blackhole route on
    /// <paramref name="from"/>); packets the other way still arrive. Drop both ways to cut the link.</summary>
    public async Task DropAsync(string from, string to, CancellationToken ct)
    {
        if (drops.Add((from, to)))
        {
            await NetworkNamespace.IpAsync(ct, "-n", hosts[from].Namespace, "route", "add", "blackhole", $"{hosts[to].Address}/32");
        }
    }

    /// <summary>
    /// Makes <paramref name="host"/>'s link slow both ways: 1 Mbit/s with up to 500 ms of queue (a token bucket).
    /// This kernel has no netem, so the delay comes from congestion: small packets pass at once on an idle link and
    /// wait behind the WAL stream on a busy one, as on a saturated WAN link.
    /// </summary>
    public async Task ThrottleAsync(string host, CancellationToken ct)
    {
        if (throttled.Add(host))
        {
            string[] bucket = ["root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "500ms"];
            await NetworkNamespace.RunAsync("tc", ["-n", hosts[host].Namespace, "qdisc", "add", "dev", "eth0", .. bucket], ct);
            await NetworkNamespace.RunAsync("tc", ["-n", switchNamespace, "qdisc", "add", "dev", hosts[host].SwitchPort, .. bucket], ct);
        }
    }


    /// <summary>Cuts every link between the two groups, both ways; each group still talks within itself.</summary>
    public async Task PartitionAsync(IEnumerable<string> side, IEnumerable<string> otherSide, CancellationToken ct)
    {
        var others = otherSide.ToList();
        foreach (var a in side)
        {
            foreach (var b in others)
            {
                await DropAsync(a, b, ct);
                await DropAsync(b, a, ct);
            }
        }
    }

    /// <summary>Undoes every fault: blackhole routes and throttles removed.</summary>
    public async Task HealAsync(CancellationToken ct)
    {
        foreach (var host in throttled.ToList())
        {
            await NetworkNamespace.RunAsync("tc", ["-n", hosts[host].Namespace, "qdisc", "del", "dev", "eth0", "root"], ct);
            await NetworkNamespace.RunAsync("tc", ["-n", switchNamespace, "qdisc", "del", "dev", hosts[host].SwitchPort, "root"], ct);
            throttled.Remove(host);
        }
        foreach (var (from, to) in drops.ToList())
        {
            await NetworkNamespace.IpAsync(ct, "-n", hosts[from].Namespace, "route", "del", "blackhole", $"{hosts[to].Address}/32");
            drops.Remove((from, to));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace removes its interfaces; the veth pairs go with the host namespaces.
        foreach (var name in hosts.Values.Select(h => h.Namespace).Append(switchNamespace))
        {
            try
            {
                await NetworkNamespace.IpAsync(CancellationToken.None, "netns", "delete", name);
            }
            catch (InvalidOperationException)
            {
                // Never created (a failed setup), or already gone.
            }
        }
    }
}
