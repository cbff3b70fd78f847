using Pgward.IntegrationTests.Packaging;
using Xunit;

[assembly: AssemblyFixture(typeof(Pgward.IntegrationTests.NativePgward))]

namespace Pgward.IntegrationTests;

/// <summary>
/// The pgward that the integration tests run as a process of its own: agents, dead-man switches, <c>restore_command</c>,
/// commands on a test host. The NativeAOT executable when the run asks for it (<see cref="NativePgward"/>; scripts/test does
/// for the whole suite), else the CLI's apphost beside the tests, under the JIT.
/// <para>Why: started under the JIT, an agent spent about 3 s of CPU compiling itself, and agents alone took about a
/// quarter of the CPU of the integration tests on two cores (46 agents in 5 min, 143 s of CPU; BENCHMARKS.md). The native
/// executable starts in milliseconds, and it is what users run.</para>
/// </summary>
public static class TestPgward
{
    /// <summary>The CLI's apphost, copied beside the tests when they build.</summary>
    public static string Apphost => Path.Combine(AppContext.BaseDirectory, "pgward");

    /// <summary>The executable: the native one once <see cref="NativePgward"/> found it current, else <see cref="Apphost"/>.</summary>
    public static string Executable { get; internal set; } = Apphost;

    /// <summary>Whether <see cref="Executable"/> is the NativeAOT build.</summary>
    public static bool Native => Executable != Apphost;

    /// <summary>The words that run it: the native executable, or <c>dotnet pgward.dll</c> (what a test host that only has
    /// the dotnet host on its path runs).</summary>
    public static IReadOnlyList<string> Command =>
        Native ? [Executable] : ["dotnet", Path.Combine(AppContext.BaseDirectory, "pgward.dll")];
}

/// <summary>
/// Before the first integration test, when <see cref="Variable"/> is 1: <c>scripts/publish -q</c>, which waits for the
/// build scripts/test started in the background and finds its executable current (or builds it), then
/// <see cref="TestPgward.Executable"/> is that executable. When the build fails, the tests run the apphost and say so on
/// stderr; the package's tests then report the failure.
/// </summary>
public sealed class NativePgward : IAsyncLifetime
{
    /// <summary>Set to 1 to run the NativeAOT executable (scripts/test, for the whole suite).</summary>
    public const string Variable = "PGWARD_TEST_NATIVE";

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return;
        }
        var (exitCode, output) = await DebianPackage.RunAsync(Path.Combine(DebianPackage.Repository, "scripts", "publish"), ["-q"],
            DebianPackage.BuildTimeout);
        var executable = output.Split('\n').Select(line => line.Trim()).LastOrDefault(line => line.Length > 0) ?? "";
        if (exitCode == 0 && File.Exists(executable))
        {
            TestPgward.Executable = executable;
            // What the agents that run inside this test host start (their dead-man switches) and write down (a
            // restore_command) names the native executable too: under the JIT, each switch compiled itself.
            Environment.SetEnvironmentVariable(Pgward.Core.Processes.PgwardExecutable.Variable, executable);
            return;
        }
        await Console.Error.WriteLineAsync($"{Variable}=1, but scripts/publish failed ({exitCode}): the tests run the apphost instead.\n{output}");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
