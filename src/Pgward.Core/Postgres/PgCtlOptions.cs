using Pgward.Core.Processes;

namespace Pgward.Core.Postgres;

/// <summary>
/// <c>pg_ctl_options</c>, repmgr's key: what pgward adds to every <c>pg_ctl start</c> it runs (by hand, and the agent's
/// fence, switchover and rejoin), split as a shell would: <c>-l /var/log/postgresql/startup.log</c> (where the server
/// logs until its logging collector takes over; beside the data directory otherwise), <c>-o '-c work_mem=8MB'</c>,
/// <c>-c</c>, <c>-p</c>, <c>-s</c>. The options pgward decides itself are refused, each with what decides it. Pure.
/// </summary>
/// <param name="LogFile">The server log file given with <c>-l</c>/<c>--log</c>; null when none is.</param>
/// <param name="StartArguments">The other options, for <c>pg_ctl start</c>.</param>
public sealed record PgCtlOptions(string? LogFile, IReadOnlyList<string> StartArguments)
{
    public static PgCtlOptions None { get; } = new(null, []);

    private const string Register = "pg_ctl register (a Windows service), which pgward never runs";

    /// <summary>pg_ctl's options (PostgreSQL 15).</summary>
    private static readonly ToolOption[] Options =
    [
        new("pgdata", 'D', true, "data_directory, or config_directory, in pgward.conf"),
        new("log", 'l', true),
        new("options", 'o', true),
        new("silent", 's', false),
        new("core-files", 'c', false),
        ToolOption.ShortOnly('p', true),
        new("mode", 'm', true, "pgward, which chooses how each stop shuts the server down"),
        new("timeout", 't', true, "pgward, which waits as long as each action allows"),
        new("wait", 'w', false, "pgward, which waits for each action itself"),
        new("no-wait", 'W', false, "pgward, which waits for each action itself"),
        new("help", '?', false, "pgward"),
        new("version", 'V', false, "pgward"),
        ToolOption.ShortOnly('e', true, Register),
        ToolOption.ShortOnly('N', true, Register),
        ToolOption.ShortOnly('P', true, Register),
        ToolOption.ShortOnly('S', true, Register),
        ToolOption.ShortOnly('U', true, Register),
    ];

    /// <summary>The options <paramref name="text"/> gives, or why it cannot be used (a problem to show with the
    /// setting's name).</summary>
    public static (PgCtlOptions Options, string? Problem) Parse(string text)
    {
        var (words, problem) = CommandLine.Split(text);
        if (problem is not null)
        {
            return (None, $"does not split into arguments: {problem}");
        }
        var given = ToolOptions.Read(words, Options);
        var refused = new List<string>();
        string? logFile = null;
        var start = new List<string>();
        foreach (var option in given)
        {
            if (option.Option is null)
            {
                refused.Add(option.Spelled.StartsWith('-') ? $"{option.Spelled} (not an option of pg_ctl)"
                    : $"\"{option.Spelled}\" (not an option: pgward names the action)");
            }
            else if (option.Option.DecidedBy is { } decidedBy)
            {
                refused.Add($"{option.Spelled} (set by {decidedBy})");
            }
            else if (option.Option.TakesValue && option.Value is null)
            {
                refused.Add($"{option.Spelled} (needs a value)");
            }
            else if (option.Option.Short == 'l')
            {
                if (!Path.IsPathFullyQualified(option.Value!))
                {
                    refused.Add($"{option.Spelled} {option.Value} (the log file must be an absolute path)");
                }
                logFile = option.Value;
            }
            else
            {
                start.Add(option.Option.Long.Length > 0 ? "--" + option.Option.Long : "-" + option.Option.Short);
                if (option.Value is { } value)
                {
                    start.Add(value);
                }
            }
        }
        return refused.Count > 0
            ? (None, $"gives what pg_ctl cannot take from it: {string.Join(", ", refused)}")
            : (new PgCtlOptions(logFile, start), null);
    }
}
