using Pgward.Core.Processes;
using Xunit;

namespace Pgward.Testing;

/// <summary>A per-test directory <c>ROOT/NAME-RANDOM</c> (<see cref="Root"/>), owned by the server account. Short on
/// purpose: a unix socket path must stay under ~107 bytes. Disposing stops every server under it; the directory is
/// removed when the test passed and kept under <see cref="KeptRoot"/> (path and server log tails printed) when it
/// failed or its outcome is unknown.</summary>
public sealed class TestDirectory : IAsyncDisposable
{
    /// <summary>Set to a directory to put the tests' directories there.</summary>
    public const string RootVariable = "PGWARD_TEST_ROOT";

    /// <summary>Where a failed test's directory is kept: on disk, not in memory.</summary>
    public const string KeptRoot = "/tmp/pgward-it";

    /// <summary>The tests' directories took at most 3.3 GB at once in a whole suite (the fault suite's subset keeps its
    /// scenarios' directories until its end; 2026-12-07): memory is used for them only with this much room in it.</summary>
    private const long MemoryRootRoom = 8L << 30;

    /// <summary>Where the tests' directories go: <see cref="RootVariable"/> when set; else <c>/dev/shm/pgward-it</c>
    /// when <c>/dev/shm</c> is a tmpfs with <see cref="MemoryRootRoom"/> free; else <see cref="KeptRoot"/>.
    /// <para>Why memory: the tests create and remove many files (initdb, base backups, restores, each gone a minute
    /// later). With their directories on a disk (ext4, mounted with <c>discard</c>), the integration tests took 15 min
    /// 40 s on two cores; on tmpfs, 9 min 55 s (BENCHMARKS.md, "The suite with its directories in memory"). The servers
    /// are as real: only the medium under them changes, and the tests turn fsync off anyway.</para></summary>
    public static string Root { get; } = ChooseRoot();

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
        else
        {
            var kept = await KeepAsync().ConfigureAwait(false);
            if (output is not null)
            {
                output.WriteLine($"Test directory kept for diagnosis: {kept}");
                DumpLogs(output);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Teardown could not stop every server:\n" + string.Join('\n', problems));
        }
    }

    /// <summary>Moves the directory of a failed test from memory to <see cref="KeptRoot"/> on disk (its servers are
    /// stopped), so that a kept directory does not hold memory until the machine restarts; returns where it is.</summary>
    private async Task<string> KeepAsync()
    {
        if (System.IO.Path.GetDirectoryName(Path) == KeptRoot)
        {
            return Path;
        }
        var kept = System.IO.Path.Combine(KeptRoot, System.IO.Path.GetFileName(Path));
        try
        {
            Directory.CreateDirectory(KeptRoot);
            var env = PgTestEnvironment.Require();
            var moved = await env.Runner.RunAsync(new ProcessRequest("mv", [Path, kept]) { Timeout = TimeSpan.FromMinutes(2) },
                CancellationToken.None).ConfigureAwait(false);
            return moved.Succeeded ? kept : $"{Path} (not moved to {KeptRoot}: {moved.Describe()})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{Path} (not moved to {KeptRoot}: {e.Message})";
        }
    }

    private static string ChooseRoot()
    {
        if (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } configured)
        {
            return configured;
        }
        try
        {
            var memory = new DriveInfo("/dev/shm");
            if (memory.IsReady && memory.DriveFormat == "tmpfs" && memory.AvailableFreeSpace >= MemoryRootRoom)
            {
                return "/dev/shm/pgward-it";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No /dev/shm: the disk.
        }
        return KeptRoot;
    }

    private static async Task CreateOwnedAsync(PgTestEnvironment env, string path, CancellationToken cancellationToken)
    {
        if (await env.Account.CreateOwnedDirectoryAsync(path, cancellationToken).ConfigureAwait(false) is { Succeeded: false } chown)
        {
            throw new InvalidOperationException($"Cannot give {path} to the server account: {chown.Describe()}");
        }
    }
}
