namespace Pgward.Core.Processes;

/// <summary>
/// How pgward runs itself again, for what it writes down to be run later (a daemon started in the background, a
/// <c>restore_command</c>): <c>PGWARD_EXECUTABLE</c> when set, else this process's executable; under
/// <c>dotnet pgward.dll</c> that process is dotnet itself, which needs the assembly to run.
/// </summary>
public static class PgwardExecutable
{
    /// <summary>The environment variable that names the executable, e.g. a wrapper script or the packaged binary
    /// when pgward runs from somewhere PostgreSQL's OS user cannot reach.</summary>
    public const string Variable = "PGWARD_EXECUTABLE";

    /// <param name="getEnvironmentVariable">The caller's environment (the CLI's, which tests replace).</param>
    public static IReadOnlyList<string> Resolve(Func<string, string?> getEnvironmentVariable)
    {
        if (getEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            return [configured];
        }
        var path = Environment.ProcessPath ?? "pgward";
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? [path, Path.Combine(AppContext.BaseDirectory, "pgward.dll")] : [path];
    }
}
