namespace Pgward.Agent.Control;

/// <summary>
/// How the agent's restore_command runs pgward: <c>PGWARD_EXECUTABLE</c> when set (tests, packaging), else the
/// running executable (or dotnet and the dll). The same rule as the daemon's and backup recover's: one copy joins
/// Pgward.Core.Processes.PgwardExecutable at the merge.
/// </summary>
public static class AgentExecutable
{
    public const string Variable = "PGWARD_EXECUTABLE";

    public static IReadOnlyList<string> Current()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return [configured];
        }
        var process = Environment.ProcessPath ?? "pgward";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, Environment.GetCommandLineArgs()[0]] : [process];
    }
}
