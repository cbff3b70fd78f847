using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Pgward.Core.IO;

namespace Pgward.Core.Tls;

/// <summary>
/// A small private certificate authority made with .NET's own X.509 APIs (no openssl): what <c>sandbox up</c> and the
/// tests use so that every agent and PostgreSQL server they start speaks TLS with certificates a client can verify.
/// Keys are ECDSA P-256; the CA is valid for ten years, the certificates it issues for two.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan CertificateLifetime = TimeSpan.FromDays(730);
    // Clocks of hosts differ a little; a certificate that starts "now" could be refused as not yet valid.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);

    private readonly TimeProvider time;

    private CertificateAuthority(X509Certificate2 certificate, TimeProvider time)
    {
        Certificate = certificate;
        this.time = time;
    }

    /// <summary>The CA's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA called <paramref name="name"/> (its subject is <c>CN=name</c>).</summary>
    public static CertificateAuthority Create(string name, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = time.GetUtcNow();
        return new CertificateAuthority(request.CreateSelfSigned(now - ClockSkew, now + CaLifetime), time);
    }

    /// <summary>Loads a CA written by <see cref="Save"/>.</summary>
    public static CertificateAuthority Load(string certificatePath, string keyPath, TimeProvider time) =>
        new(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), time);

    /// <summary>A certificate for a host, usable by a server and a client (an agent is both), naming every DNS name and
    /// address in <paramref name="names"/> in its subject alternative names; the first is also its common name.</summary>
    public X509Certificate2 Issue(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            throw new ArgumentException("a certificate needs at least one name or address", nameof(names));
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={names[0]}"), key, HashAlgorithmName.SHA256);
        var alternatives = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternatives.AddIpAddress(address);
            }
            else
            {
                alternatives.AddDnsName(name);
            }
        }
        request.CertificateExtensions.Add(alternatives.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // serverAuth, clientAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var now = time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var issued = request.Create(Certificate, now - ClockSkew, now + CertificateLifetime, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the CA's certificate and key as PEM; see <see cref="WritePem"/>.</summary>
    public void Save(string certificatePath, string keyPath, string? ownerLike = null) =>
        WritePem(Certificate, certificatePath, keyPath, ownerLike);

    /// <summary>Writes <paramref name="certificate"/> as PEM to <paramref name="certificatePath"/> (0644: it is public)
    /// and its private key as PKCS#8 PEM to <paramref name="keyPath"/> (0600), each owned like
    /// <paramref name="ownerLike"/> when pgward runs as root (PostgreSQL refuses a key another user can read).</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath, string? ownerLike = null)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException("the certificate has no ECDSA private key", nameof(certificate));
        DurableFile.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n", DurableFile.OwnerOnly, ownerLike);
        WriteCertificate(certificate, certificatePath, ownerLike);
    }

    /// <summary>Writes only the certificate (0644), e.g. the CA's for clients that verify against it.</summary>
    public static void WriteCertificate(X509Certificate2 certificate, string certificatePath, string? ownerLike = null) =>
        DurableFile.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n", PublicMode, ownerLike);

    private const UnixFileMode PublicMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public void Dispose() => Certificate.Dispose();
}
