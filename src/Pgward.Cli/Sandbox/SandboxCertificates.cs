using Pgward.Core.Tls;

namespace Pgward.Cli.Sandbox;

/// <summary>
/// The sandbox's TLS material, made with .NET's X.509 APIs when the sandbox is built: one CA (<c>DIR/tls/ca.crt</c>, its
/// key <c>DIR/tls/ca.key</c>, 0600) and one certificate per node for 127.0.0.1 and localhost
/// (<c>DIR/nodeN/tls/node.crt</c> and <c>node.key</c>, 0600, owned like the node's directory), which both the node's
/// PostgreSQL server and its agent present. Clients verify them against <c>ca.crt</c>.
/// </summary>
public sealed class SandboxCertificates(SandboxLayout layout)
{
    private static readonly string[] LoopbackNames = ["127.0.0.1", "localhost"];

    public string Directory => Path.Combine(layout.Directory, "tls");

    /// <summary>The CA every client of the sandbox verifies servers against.</summary>
    public string CaFile => Path.Combine(Directory, "ca.crt");

    private string CaKeyFile => Path.Combine(Directory, "ca.key");

    public string NodeDirectory(string name) => Path.Combine(layout.NodeDirectory(name), "tls");

    public string CertificateFile(string name) => Path.Combine(NodeDirectory(name), "node.crt");

    public string KeyFile(string name) => Path.Combine(NodeDirectory(name), "node.key");

    /// <summary>Creates the CA when the sandbox has none yet.</summary>
    public void EnsureAuthority(TimeProvider time)
    {
        if (File.Exists(CaFile) && File.Exists(CaKeyFile))
        {
            return;
        }
        System.IO.Directory.CreateDirectory(Directory);
        using var ca = CertificateAuthority.Create("pgward sandbox CA", time);
        ca.Save(CaFile, CaKeyFile);
    }

    /// <summary>Issues node <paramref name="name"/>'s certificate (after <see cref="EnsureAuthority"/> and after the
    /// node's directory exists), owned like that directory so that its server can read the key.</summary>
    public void IssueNode(string name, TimeProvider time)
    {
        using var ca = CertificateAuthority.Load(CaFile, CaKeyFile, time);
        using var certificate = ca.Issue(LoopbackNames);
        var nodeDirectory = layout.NodeDirectory(name);
        var tls = NodeDirectory(name);
        System.IO.Directory.CreateDirectory(tls);
        Core.IO.FileOwner.Match(tls, nodeDirectory);
        CertificateAuthority.WritePem(certificate, CertificateFile(name), KeyFile(name), ownerLike: nodeDirectory);
    }
}
