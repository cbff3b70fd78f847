using Pgward.Backup.Catalog;
using Pgward.Backup.Wal;
using Pgward.Cluster;

namespace Pgward.Backup;

/// <summary>Everything a backup-server operation needs: the operation context (reporter, connections, processes,
/// clock), the <c>[backup]</c> settings, the catalog of base backups and the WAL archive.</summary>
public sealed class BackupServer(OperationContext context, BackupSettings settings, IWalArchive archive)
{
    public OperationContext Context => context;

    public BackupSettings Settings => settings;

    public BackupLayout Layout { get; } = new(settings.BackupDirectory);

    public BackupCatalog Catalog => new(Layout);

    public IWalArchive Archive => archive;
}
