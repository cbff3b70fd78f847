using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pgward.Core.Logging;
using Pgward.Core.Tls;

namespace Pgward.Http;

/// <summary>
/// The web host of an endpoint pgward serves (a node agent, the backup server): Kestrel on one address and port, with
/// TLS when a <see cref="ServerTls"/> is given, the daemon's log format, no Server header, and a lifetime that ends with
/// the caller's token rather than with signal handlers of its own. Routes are mapped by the caller.
/// </summary>
public static class HttpsHost
{
    /// <summary>How long in-flight requests may finish when the host stops: 5 s.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <param name="address">An IP address, or anything else (a host name, "*") to listen on every address.</param>
    public static WebApplication Build(string address, int port, ServerTls? tls, TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton<IHostLifetime, CallerLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        DaemonWebLogging.Configure(builder.Logging, time);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            void Secure(ListenOptions listen)
            {
                if (tls is not null)
                {
                    var logger = kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(LogSubsystems.Http);
                    KestrelTls.Apply(listen, tls, time, logger);
                }
            }
            if (IPAddress.TryParse(address, out var ip))
            {
                kestrel.Listen(ip, port, Secure);
            }
            else
            {
                kestrel.ListenAnyIP(port, Secure);
            }
        });
        return builder.Build();
    }
}
