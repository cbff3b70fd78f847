using System.Runtime.CompilerServices;

namespace Pgward.IntegrationTests;

/// <summary>
/// The environment every process the tests start inherits (agents, dead-man switches, commands, PostgreSQL and its
/// <c>restore_command</c>). A .NET process creates a diagnostics socket and two debugger pipes in the temporary directory
/// (<c>dotnet-diagnostic-PID-*-socket</c>, <c>clr-debug-pipe-PID-*</c>) and removes them only when it exits normally;
/// the tests kill agents with SIGKILL by design, and one run of the suite left about 1,300 of them in /tmp. The tests
/// attach no debugger or tracer to those processes, so they are started without either endpoint.
/// </summary>
internal static class ChildProcessEnvironment
{
    [ModuleInitializer]
    internal static void WithoutDiagnosticEndpoints()
    {
        Environment.SetEnvironmentVariable("DOTNET_EnableDiagnostics_IPC", "0");
        Environment.SetEnvironmentVariable("DOTNET_EnableDiagnostics_Debugger", "0");
    }
}
