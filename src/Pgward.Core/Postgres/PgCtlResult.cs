using Pgward.Core.Processes;

namespace Pgward.Core.Postgres;

/// <summary>Outcome of one initdb/pg_ctl command: the process result carries the command line and stderr.</summary>
public sealed record PgCtlResult(string Action, ProcessResult Process)
{
    public bool Succeeded => Process.Succeeded;

    public string CommandLine => Process.CommandLine;

    /// <summary>A failed start: the last lines of the server's log, which say why (see <see cref="ServerLogTail"/>).</summary>
    public string? ServerLog { get; init; }

    /// <summary>For error messages: "pg_ctl start failed: CMD exited with code 1:\nSTDERR", then the server's last log lines.</summary>
    public string Describe() => Succeeded ? $"{Action} succeeded"
        : $"{Action} failed: {Process.Describe()}" + (ServerLog is { } log ? "\n" + log : "");
}
