using System.Net;

namespace Pgward.Testing.Network;

/// <summary>One host of a <see cref="TestNetwork"/>: a network namespace with one address on the test LAN.</summary>
/// <param name="SwitchPort">The host's veth end on the bridge, in the switch namespace.</param>
public sealed record TestHost(string Name, string Namespace, IPAddress Address, string SwitchPort)
{
    /// <summary>The arguments of <c>ip</c> that run <paramref name="command"/> on this host.</summary>
    public IReadOnlyList<string> Wrap(IEnumerable<string> command) => NetworkNamespace.Wrap(Namespace, command);
}
