namespace Pgward.Testing.Chaos;

/// <summary>
/// The <c>synchronous_commit</c> a writer's session runs with. Only <see cref="On"/> waits for a synchronous standby
/// (in async mode, for the agent's commit lease, which sits in <c>synchronous_standby_names</c>); a session that
/// lowers it commits on the primary alone, whatever pgward set up, as applications may.
/// </summary>
public enum SynchronousCommit
{
    /// <summary><c>on</c>, PostgreSQL's default: the commit waits for a synchronous standby (or the commit lease).</summary>
    On,

    /// <summary><c>local</c>: the commit waits for the local flush only.</summary>
    Local,

    /// <summary><c>off</c>: the commit does not even wait for the local flush.</summary>
    Off,
}
