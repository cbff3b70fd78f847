namespace Pgward.Cli;

/// <summary>
/// Everything a command reads from or writes to its surroundings, so tests can run the whole command tree
/// in-process with their own writers, environment and working directory.
/// </summary>
/// <param name="OwnsProcess">Whether the command is the whole process (the executable, not a test host running many
/// commands): only then may it change what the process as a whole uses, such as its native environment.</param>
public sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    Func<string, string?> GetEnvironmentVariable,
    string CurrentDirectory,
    TimeProvider Time,
    bool IsTerminal,
    bool OwnsProcess = false)
{
    public static CliEnvironment FromProcess() => new(
        Console.Out,
        Console.Error,
        Environment.GetEnvironmentVariable,
        Environment.CurrentDirectory,
        TimeProvider.System,
        IsTerminal: !Console.IsErrorRedirected,
        OwnsProcess: true);
}
