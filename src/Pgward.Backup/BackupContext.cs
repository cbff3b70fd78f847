using Pgward.Core.Config;
using Pgward.Core.Postgres;
using Pgward.Core.Reporting;

namespace Pgward.Backup;

/// <summary>What every backup-server operation needs: the <c>[backup]</c> options and the adapters to the outside world.</summary>
/// <param name="root">The root section of the backup server's pgward.conf: the <c>agent_*</c> keys of its HTTPS
/// endpoint (address, port, token, TLS files) and <c>pg_bindir</c>; node settings are absent and unused.</param>
public sealed class BackupContext(BackupOptions options, IReporter reporter, DbConnector db, TimeProvider time, NodeOptions? root = null)
{
    public BackupOptions Options => options;
    public IReporter Reporter => reporter;
    public DbConnector Db => db;
    public TimeProvider Time => time;
    public BackupLayout Layout => options.Layout;
    public NodeOptions Root { get; } = root ?? new NodeOptions { ConfigFile = options.ConfigFile };
}
