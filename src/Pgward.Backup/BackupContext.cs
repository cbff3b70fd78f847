using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup;

/// <summary>What every backup-server operation needs: the <c>[backup]</c> options and the adapters to the outside world.</summary>
public sealed class BackupContext(BackupOptions options, IReporter reporter, DbConnector db, TimeProvider time)
{
    public BackupOptions Options => options;
    public IReporter Reporter => reporter;
    public DbConnector Db => db;
    public TimeProvider Time => time;
    public BackupLayout Layout => options.Layout;
}
