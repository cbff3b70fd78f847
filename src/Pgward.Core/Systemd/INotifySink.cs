namespace Pgward.Core.Systemd;

/// <summary>Where a daemon's service-manager notifications go (<see cref="NotifySocket"/> under systemd; a list in tests).</summary>
public interface INotifySink
{
    /// <summary>Sends one notification: newline-separated <c>KEY=value</c> assignments, e.g. <c>READY=1\nSTATUS=running</c>.</summary>
    void Send(string message);
}
