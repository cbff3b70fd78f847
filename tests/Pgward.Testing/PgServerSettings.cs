namespace Pgward.Testing;

/// <summary>How <see cref="PgServer"/> configures a test server. Defaults suit a primary that standbys can clone.</summary>
public sealed record PgServerSettings
{
    public static PgServerSettings Default { get; } = new();

    /// <summary>GUCs written after the harness defaults, so they override them (e.g. <c>max_wal_senders = 0</c>).</summary>
    public IReadOnlyDictionary<string, string> Gucs { get; init; } = new Dictionary<string, string>();

    /// <summary>Add <c>local/hostssl replication all 127.0.0.1/32 scram-sha-256</c> to pg_hba.conf. Default true.</summary>
    public bool AllowReplication { get; init; } = true;

    /// <summary>pg_hba.conf lines placed before the harness's scram lines (first match wins), e.g. a reject rule.</summary>
    public IReadOnlyList<string> ExtraHbaLines { get; init; } = [];

    /// <summary>Keep fsync and synchronous_commit on. Default false: test servers trade durability for speed.</summary>
    public bool Durable { get; init; }

    public PgServerSettings WithGuc(string name, string value) =>
        this with { Gucs = new Dictionary<string, string>(Gucs) { [name] = value } };
}
