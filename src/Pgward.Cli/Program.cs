using System.Runtime.InteropServices;
using Pgward.Cli;
using Pgward.Core.Tls;

// Before anything else, and before any TLS: .NET would read the whole system CA store at the first handshake, which
// pgward's peers do not need (SystemTrust says when they do). Not in the agent's dead-man switch: it makes no TLS
// connection, and loading OpenSSL to defer the store would cost it 3.5 MB.
if (args is not [.., "daemon", "dead-man-switch"])
{
    SystemTrust.DeferMachineStores();
}

// The first SIGINT/SIGTERM asks the running command to stop the way it chooses: a clone empties the directory it
// was filling, a switchover rolls back or finishes, the daemon stops its loops. A second one ends the process.
using var cancellation = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await PgwardApp.RunAsync(args, CliEnvironment.FromProcess(), cancellation.Token);

void Cancel(PosixSignalContext context)
{
    if (cancellation.IsCancellationRequested)
    {
        return;
    }
    context.Cancel = true;
    cancellation.Cancel();
}
