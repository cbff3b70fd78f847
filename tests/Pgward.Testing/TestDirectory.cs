using Xunit;

namespace Pgward.Testing;

/// <summary>A per-test directory <c>/tmp/pgward-it/NAME-RANDOM</c>, owned by the server account. Short on purpose:
/// a unix socket path must stay under ~107 bytes. Disposing stops every server under it; the directory is removed
/// when the test passed and kept (path and server log tails printed) when it failed or its outcome is unknown.</summary>
public sealed class TestDirectory : IAsyncDisposable
{
    public const string Root = "/tmp/pgward-it";

    private const int NameLength = 24;
    private readonly List<PgServer> _servers = [];
    private readonly Lock _lock = new();

    private TestDirectory(string path) => Path = path;

    public string Path { get; }

    public IReadOnlyList<PgServer> Servers
    {
        get
        {
            lock (_lock)
            {
                return [.. _servers];
            }
        }
    }

    /// <summary>Creates the directory for the current test, owned by the server account.</summary>
    public static async Task<TestDirectory> CreateAsync(CancellationToken cancellationToken)
    {
        var env = PgTestEnvironment.Require();
        await TestAuthentication.EnsureAsync(env, cancellationToken).ConfigureAwait(false);
        var name = TestContext.Current.TestMethod?.MethodName ?? "test";
        name = name.Length > NameLength ? name[..NameLength] : name;
        var path = System.IO.Path.Combine(Root, $"{name}-{Guid.NewGuid().ToString("N")[..6]}");
        await CreateOwnedAsync(env, path, cancellationToken).ConfigureAwait(false);
        if (await env.Account.CheckTraversableAsync(path, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        return new TestDirectory(path);
    }

    /// <summary>Creates <c>Path/relative</c> owned by the server account and returns its full path.</summary>
    public async Task<string> CreateSubdirectoryAsync(string relative, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(Path, relative);
        await CreateOwnedAsync(PgTestEnvironment.Require(), path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    internal void Add(PgServer server)
    {
        lock (_lock)
        {
            _servers.Add(server);
        }
    }

    /// <summary>Writes the last <paramref name="lines"/> lines of every server log here to <paramref name="output"/>.</summary>
    public void DumpLogs(ITestOutputHelper output, int lines = 100)
    {
        foreach (var server in Servers)
        {
            output.WriteLine($"---- last {lines} lines of {server.LogFile} ----");
            output.WriteLine(server.TailLog(lines));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Teardown gets its own time limits: the test's token may be the very thing that was cancelled.
        var problems = await ServerRegistry.StopAllAsync(Path, CancellationToken.None).ConfigureAwait(false);
        var output = TestContext.Current.TestOutputHelper;
        var passed = TestContext.Current.TestState?.Result == TestResult.Passed;
        if (passed && problems.Count == 0)
        {
            Directory.Delete(Path, recursive: true);
        }
        else if (output is not null)
        {
            output.WriteLine($"Test directory kept for diagnosis: {Path}");
            DumpLogs(output);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Teardown could not stop every server:\n" + string.Join('\n', problems));
        }
    }

    private static async Task CreateOwnedAsync(PgTestEnvironment env, string path, CancellationToken cancellationToken)
    {
        if (await env.Account.CreateOwnedDirectoryAsync(path, cancellationToken).ConfigureAwait(false) is { Succeeded: false } chown)
        {
            throw new InvalidOperationException($"Cannot give {path} to the server account: {chown.Describe()}");
        }
    }
}
