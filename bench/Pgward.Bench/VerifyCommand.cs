using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Pgward.Bench;

/// <summary>
/// <c>verify</c>: counts how many of the acknowledged ids in <c>--ids</c> (one per line, as <c>write-load --ids-out</c>
/// writes them) are in <c>load_rows</c> on the node of <c>--connection</c>, and prints the counts as JSON. Exits
/// <see cref="Lost"/> when any is missing: an acknowledged write was lost.
/// </summary>
public static class VerifyCommand
{
    public const int AllFound = 0;
    public const int Lost = 1;

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

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("acknowledged", ids.Length);
            json.WriteNumber("found", found);
            json.WriteNumber("missing", ids.Length - found);
            json.WriteEndObject();
        }
        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        return found == ids.Length ? AllFound : Lost;
    }
}
