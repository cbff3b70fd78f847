using Npgsql;
using Pgward.Testing.Chaos;
using Xunit;

namespace Pgward.UnitTests.Chaos;

public sealed class WriteOutcomesTests
{
    [Fact]
    public void Classify_fails_any_error_before_the_insert_was_sent() =>
        Assert.Equal(WriteOutcome.Failed, WriteOutcomes.Classify(new TimeoutException(), sent: false));

    [Fact]
    public void Classify_fails_a_read_only_error() =>
        Assert.Equal(WriteOutcome.Failed, WriteOutcomes.Classify(
            new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006"), sent: true));

    [Fact]
    public void Classify_leaves_a_fatal_after_sending_unknown_since_a_terminated_sync_wait_committed_locally() =>
        Assert.Equal(WriteOutcome.Unknown, WriteOutcomes.Classify(
            new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), sent: true));

    [Theory]
    [InlineData(typeof(TimeoutException))]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(OperationCanceledException))]
    public void Classify_leaves_a_lost_answer_unknown(Type error) =>
        Assert.Equal(WriteOutcome.Unknown, WriteOutcomes.Classify((Exception)Activator.CreateInstance(error)!, sent: true));

    [Fact]
    public void Classify_leaves_a_broken_connection_unknown() =>
        Assert.Equal(WriteOutcome.Unknown, WriteOutcomes.Classify(new NpgsqlException("Exception while reading from stream"), sent: true));
}
