using Pgward.Core;
using Xunit;

namespace Pgward.IntegrationTests.Cluster;

/// <summary>Which physical replication slots each node holds: after an operation that changes who follows whom, only
/// the slots of the standbys that stream from it (issue 14, defect 19).</summary>
public static class ReplicationSlotSets
{
    /// <summary>Waits (a slot is dropped after the operation's last step) until every node holds exactly the slots
    /// expected, then fails naming every node's slots.</summary>
    public static async Task AssertAsync(Sandbox sandbox, Dictionary<int, string[]> expected, CancellationToken ct)
    {
        var actual = new Dictionary<int, string>();
        var held = await Waiting.UntilAsync(async token =>
        {
            foreach (var (node, _) in expected)
            {
                actual[node] = await Sql.ScalarAsync<string>(sandbox.ConnectionString(node),
                    "SELECT coalesce(string_agg(slot_name, ',' ORDER BY slot_name), '') FROM pg_replication_slots WHERE slot_type = 'physical'", token);
            }
            return expected.All(e => actual[e.Key] == string.Join(',', e.Value.Order(StringComparer.Ordinal)));
        }, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(250), TimeProvider.System, ct);
        Assert.True(held, "replication slots: " + string.Join("; ", actual.Select(a => $"node{a.Key} [{a.Value}]"))
            + " expected " + string.Join("; ", expected.Select(e => $"node{e.Key} [{string.Join(',', e.Value)}]")));
    }
}
