using System.CommandLine;

namespace Pgward.Cli.Commands;

/// <summary>Options that several commands share; each command adds the ones it takes.</summary>
public static class CommonOptions
{
    public static Option<bool> Force() => new("--force", "-F") { Description = "force a potentially dangerous operation" };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "check and show what would happen, change nothing" };

    public static Option<bool> Json() => new("--json") { Description = "output as JSON" };

    public static Option<bool> Csv() => new("--csv") { Description = "output as CSV" };

    public static Option<bool> Nagios() => new("--nagios") { Description = "Nagios plugin output (single checks only)" };

    public static Option<int?> NodeId(string description) => NumberOptions.NodeId("--node-id", description);
}
