using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Pgward.Core.Tls;

namespace Pgward.Http;

/// <summary>
/// Puts TLS on a Kestrel endpoint from a <see cref="ServerTls"/>: the node agents use it, and so can any other HTTP
/// endpoint pgward serves. With required client certificates, a caller's certificate is verified against the setting's
/// CA only (the system's CAs do not count), and a refused one is logged with the reason.
/// </summary>
public static partial class KestrelTls
{
    public static void Apply(ListenOptions listen, ServerTls tls, TimeProvider time, ILogger logger)
    {
        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls.Certificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CheckCertificateRevocation = false,
        };
        if (tls.ClientAuthorities is { } authorities)
        {
            options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            options.ClientCertificateValidation = (certificate, _, _) =>
            {
                if (PeerCertificates.Verify(certificate, authorities, tls.CaSetting, time.GetUtcNow()) is not { } failure)
                {
                    return true;
                }
                ClientCertificateRefused(logger, PeerCertificates.Names(certificate), failure.Problem);
                return false;
            };
        }
        listen.UseHttps(options);
    }

    [LoggerMessage(3040, LogLevel.Warning, "client certificate for {Names} refused: it {Problem}")]
    private static partial void ClientCertificateRefused(ILogger logger, string names, string problem);
}
