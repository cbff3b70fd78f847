using Pgward.Core.Processes;

namespace Pgward.Core.Postgres;

/// <summary>Outcome of one initdb/pg_ctl command: the process result carries the command line and stderr.</summary>
public sealed record PgCtlResult(string Action, ProcessResult Process)
{
    public bool Succeeded => Process.Succeeded;

    public string CommandLine => Process.CommandLine;

    /// <summary>For error messages: "pg_ctl start failed: CMD exited with code 1:\nSTDERR".</summary>
    public string Describe() => Succeeded ? $"{Action} succeeded" : $"{Action} failed: {Process.Describe()}";
}
