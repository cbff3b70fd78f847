using Pgward.Core.Postgres;
using Pgward.Core.Processes;

namespace Pgward.Testing;

/// <summary>The PostgreSQL binaries and OS account the integration tests use, found once per test run.
/// Set <c>PGWARD_TEST_PG_BINDIR</c> to test against other binaries.</summary>
public sealed record PgTestEnvironment(PgBinaries Binaries, ServerAccount Account, IProcessRunner Runner)
{
    private static readonly Lazy<(PgTestEnvironment? Environment, string? Problem)> Current = new(Find);

    public PgCtl PgCtl => new(Binaries, Account.UserName, Runner);

    /// <summary>The environment, or an exception whose message says how to install what is missing. Tests that
    /// need PostgreSQL call this so a missing prerequisite fails them; it never skips them.</summary>
    public static PgTestEnvironment Require() =>
        Current.Value.Environment ?? throw new InvalidOperationException(Current.Value.Problem);

    /// <summary>A request to run a PostgreSQL tool (<c>pg_basebackup</c> ...) as the server account.</summary>
    public ProcessRequest ToolRequest(string tool, IReadOnlyList<string> arguments, TimeSpan timeout) =>
        new(Binaries.Tool(tool), arguments) { RunAs = Account.UserName, Timeout = timeout };

    private static (PgTestEnvironment?, string?) Find()
    {
        var runner = new ProcessRunner();
        var binaries = PgBinaries.Locate(Environment.GetEnvironmentVariable("PGWARD_TEST_PG_BINDIR"));
        if (!binaries.Found)
        {
            return (null, binaries.Problem + " For the tests, PGWARD_TEST_PG_BINDIR plays the part of pg_bindir.");
        }

        var account = ServerAccount.Detect(runner);
        return account.Found ? (new PgTestEnvironment(binaries.Binaries, account.Account, runner), null) : (null, account.Problem);
    }
}
