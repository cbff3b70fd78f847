using System.Globalization;

namespace Pgward.Bench;

/// <summary>The <c>--name value</c> options of a bench command; unknown or missing ones fail with a usage message.</summary>
public sealed class BenchArguments
{
    public const int UsageExitCode = 2;

    private readonly Dictionary<string, string> values;

    private BenchArguments(Dictionary<string, string> values) => this.values = values;

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected --name value pairs, got \"{args[i]}\"");
            }
            values[args[i][2..]] = args[i + 1];
        }
        return new BenchArguments(values);
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;

    public static int Usage(TextWriter error)
    {
        error.WriteLine("""
            usage:
              pgward-bench write-load --connection CS --stop-file PATH [--interval-ms 5] [--max-seconds 120]
                                      [--ready-file PATH] [--ready-after 100] [--tail 100] [--ids-out PATH]
              pgward-bench failover-load --connection CS --kill-file PATH [--interval-ms 5] [--ready-file PATH]
                                         [--ready-after 100] [--tail 100] [--deadline-seconds 120]
                                         [--max-seconds 600] [--ids-out PATH]
              pgward-bench verify --connection CS --ids PATH
            """);
        return UsageExitCode;
    }
}
