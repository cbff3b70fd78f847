using System.CommandLine;

namespace Pgward.Cli.Commands;

/// <summary>Options every command accepts (repmgr's general options).</summary>
public sealed class GlobalOptions
{
    public Option<string?> ConfigFile { get; } = new("--config-file", "-f")
    {
        Description = "pgward.conf to use (default: $PGWARD_CONF, ./pgward.conf, /etc/pgward/pgward.conf, /etc/pgward.conf)",
        Recursive = true,
    };

    public Option<string?> LogLevel { get; } = new("--log-level", "-L")
    {
        Description = "DEBUG, INFO, NOTICE (default), WARNING or ERROR",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "show INFO lines (same as -L INFO)",
        Recursive = true,
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "show only warnings and errors",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        LogLevel.AcceptOnlyFromAmong("DEBUG", "INFO", "NOTICE", "WARNING", "ERROR");
        root.Add(ConfigFile);
        root.Add(LogLevel);
        root.Add(Verbose);
        root.Add(Quiet);
    }
}
