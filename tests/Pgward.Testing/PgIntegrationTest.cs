using Xunit;

namespace Pgward.Testing;

/// <summary>Base class of an integration test: a <see cref="TestDirectory"/> and a <see cref="TestDeadline"/> per
/// test. Teardown runs in xunit's cleanup phase, where the test's outcome is known: it stops every server, removes
/// the directory of a passed test, and for a failed one keeps it and writes each server's log tail to the output.</summary>
public abstract class PgIntegrationTest : IAsyncLifetime
{
    private TestDirectory? _directory;
    private CancellationTokenSource? _deadline;

    /// <summary>Deadline of each test in the class; override for slower scenarios.</summary>
    protected virtual TimeSpan Deadline => TestDeadline.DefaultTimeout;

    protected TestDirectory Directory => _directory ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Cancelled at the test's deadline or when the run is aborted: pass it to everything.</summary>
    protected CancellationToken Token => _deadline?.Token ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Init and start a server named <paramref name="name"/> in this test's directory.</summary>
    protected async Task<PgServer> StartServerAsync(string name, PgServerSettings? settings = null)
    {
        var server = await PgServer.InitAsync(Directory, name, settings ?? PgServerSettings.Default, Token);
        await server.StartAsync(Token);
        return server;
    }

    public virtual async ValueTask InitializeAsync()
    {
        _deadline = TestDeadline.Create(Deadline);
        _directory = await TestDirectory.CreateAsync(Token);
    }

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            if (_directory is not null)
            {
                await _directory.DisposeAsync();
            }
        }
        finally
        {
            _deadline?.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
