using System.CommandLine;

namespace Pgward.Cli.Commands;

/// <summary>The <c>backup</c> command group: base backups, catalog, retention and recovery
/// (<see cref="BackupCommands"/>), and the WAL receiver's commands.</summary>
public static class BackupCommandGroup
{
    public static Command Build(CommandRunner runner)
    {
        var backup = new Command("backup", "base backups, WAL archive, retention and point-in-time recovery on a backup server");
        BackupCommands.AddTo(backup, runner);
        return backup;
    }
}
