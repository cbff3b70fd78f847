using Xunit;

namespace Pgward.Testing;

/// <summary>A hard per-test deadline: cancelled when its timeout passes or the test run is aborted
/// (<see cref="TestContext.Current"/>'s token). When the deadline fires it says so in the test output.</summary>
public sealed class TestDeadline : CancellationTokenSource
{
    /// <summary>Default deadline of an integration test.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    private readonly CancellationTokenRegistration _runAborted;
    private readonly CancellationTokenRegistration _report;

    private TestDeadline(TimeSpan timeout, TimeProvider timeProvider) : base(timeout, timeProvider)
    {
        var testToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var testName = TestContext.Current.Test?.TestDisplayName ?? "test";
        _runAborted = testToken.Register(Cancel);
        _report = Token.Register(() =>
        {
            var why = testToken.IsCancellationRequested
                ? "the test run was aborted"
                : $"its deadline of {timeout.TotalSeconds:0} s passed";
            output?.WriteLine($"TestDeadline: cancelling {testName} because {why}.");
        });
    }

    /// <summary>A deadline of <paramref name="timeout"/> (default <see cref="DefaultTimeout"/>, 120 s);
    /// the caller disposes it.</summary>
    public static CancellationTokenSource Create(TimeSpan? timeout = null, TimeProvider? timeProvider = null) =>
        new TestDeadline(timeout ?? DefaultTimeout, timeProvider ?? TimeProvider.System);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _runAborted.Dispose();
            _report.Dispose();
        }

        base.Dispose(disposing);
    }
}
