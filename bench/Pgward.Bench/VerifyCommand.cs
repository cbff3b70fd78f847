using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Pgward.Bench;

/// <summary>
/// <c>verify</c>: counts how many of the acknowledged ids in <c>--ids</c> (one per line, as <c>write-load --ids-out</c>
/// writes them) are in <c>load_rows</c> on the node of <c>--connection</c>, and prints the counts and the first missing
/// ids as JSON. Exits <see cref="Lost"/> when any is missing: an acknowledged write was lost.
/// </summary>
public static class VerifyCommand
{
    public const int AllFound = 0;
    public const int Lost = 1;

    private const int MissingIdsShown = 1000;

    public static async Task<int> RunAsync(BenchArguments args, TextWriter output)
    {
        var ids = (await File.ReadAllLinesAsync(args.Required("ids"), CancellationToken.None))
            .Where(line => line.Length > 0)
            .Select(line => long.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture))
            .ToArray();
        await using var connection = new NpgsqlConnection(args.Required("connection"));
        await connection.OpenAsync(CancellationToken.None);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM load_rows WHERE id = ANY($1)", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = ids });
        var found = (long)(await count.ExecuteScalarAsync(CancellationToken.None))!;
        var missing = await MissingIdsAsync(connection, ids);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("acknowledged", ids.Length);
            json.WriteNumber("found", found);
            json.WriteNumber("missing", ids.Length - found);
            json.WriteStartArray("missing_ids");
            foreach (var id in missing)
            {
                json.WriteNumberValue(id);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        return found == ids.Length ? AllFound : Lost;
    }

    /// <summary>The first <see cref="MissingIdsShown"/> acknowledged ids not in the table, so a script can tell which writes were lost.</summary>
    private static async Task<List<long>> MissingIdsAsync(NpgsqlConnection connection, long[] ids)
    {
        await using var query = new NpgsqlCommand(
            "SELECT a.id FROM unnest($1::bigint[]) AS a(id) WHERE NOT EXISTS (SELECT FROM load_rows r WHERE r.id = a.id) ORDER BY a.id LIMIT $2",
            connection);
        query.Parameters.Add(new NpgsqlParameter { Value = ids });
        query.Parameters.Add(new NpgsqlParameter { Value = MissingIdsShown });
        var missing = new List<long>();
        await using var reader = await query.ExecuteReaderAsync(CancellationToken.None);
        while (await reader.ReadAsync(CancellationToken.None))
        {
            missing.Add(reader.GetInt64(0));
        }
        return missing;
    }
}
