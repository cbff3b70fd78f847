using Npgsql;
using Pgward.Core.Metadata;

namespace Pgward.Cluster;

/// <summary>An open connection to the node that is running as primary, with its record.</summary>
public sealed record PrimaryConnection(NodeRecord Node, NpgsqlConnection Connection) : IAsyncDisposable
{
    public MetadataStore Store => new(Connection);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
