using System.Net.Sockets;
using System.Text;

namespace Pgward.Core.Systemd;

/// <summary>
/// sd_notify(3) in a few lines: one AF_UNIX datagram per notification to the socket systemd names in
/// <c>$NOTIFY_SOCKET</c>, a path or, with a leading <c>@</c>, a name in the abstract namespace. Written here rather than
/// taken from Microsoft.Extensions.Hosting.Systemd, whose lifetime says READY when the host has started (before the
/// agent has looked at its server) and which has no watchdog; this needs no reflection, so it suits the NativeAOT build.
/// A notification that cannot be sent is dropped: the service manager's timeouts handle a daemon it does not hear from.
/// </summary>
public sealed class NotifySocket : INotifySink, IDisposable
{
    private readonly Socket socket;
    private readonly UnixDomainSocketEndPoint endPoint;

    private NotifySocket(string address)
    {
        // An abstract socket's name starts with a NUL byte where systemd writes '@'.
        endPoint = new UnixDomainSocketEndPoint(address[0] == '@' ? "\0" + address[1..] : address);
        socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>The socket at <paramref name="address"/> (the value of <c>NOTIFY_SOCKET</c>); null when there is none, or it
    /// is not a path nor an abstract name.</summary>
    public static NotifySocket? Open(string? address) =>
        address is { Length: > 1 } && (address[0] is '/' or '@') ? new NotifySocket(address) : null;

    public void Send(string message)
    {
        try
        {
            socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, endPoint);
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => socket.Dispose();
}
