namespace Pgward.Cli;

/// <summary>
/// Everything a command reads from or writes to its surroundings, so tests can run the whole command tree
/// in-process with their own writers, environment and working directory.
/// </summary>
public sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> GetEnvironmentVariable,
    string CurrentDirectory,
    TimeProvider Time,
    bool IsTerminal)
{
    public static CliEnvironment FromProcess() => new(
        Console.Out,
        Console.Error,
        Environment.GetEnvironmentVariable,
        Environment.CurrentDirectory,
        TimeProvider.System,
        IsTerminal: !Console.IsErrorRedirected);
}
