using Microsoft.Extensions.Time.Testing;
using Pgward.Agent.Failover;
using Pgward.Failover.Messages;
using Xunit;

namespace Pgward.UnitTests.Agent.Failover;

public sealed class InlineReplyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_reply_the_loop_offers_in_time_is_carried_in_the_response()
    {
        var time = new FakeTimeProvider();
        var reply = new InlineReply();
        var waiting = reply.WaitAsync(Limit, time, TestContext.Current.CancellationToken);
        var answer = new HeartbeatReply(3, Accepted: true, time.GetUtcNow());

        Assert.True(reply.TryCarry(answer));
        Assert.Same(answer, await waiting);
    }

    [Fact]
    public async Task A_reply_offered_after_the_request_gave_up_is_refused_so_that_the_loop_sends_it_as_a_message()
    {
        var time = new FakeTimeProvider();
        var reply = new InlineReply();
        var waiting = reply.WaitAsync(Limit, time, TestContext.Current.CancellationToken);
        time.Advance(Limit);

        Assert.Null(await waiting);
        Assert.False(reply.TryCarry(new HeartbeatReply(3, Accepted: true, time.GetUtcNow())));
    }

    [Fact]
    public async Task A_message_that_needs_no_reply_answers_at_once_without_waiting_out_the_limit()
    {
        var time = new FakeTimeProvider();
        var reply = new InlineReply();
        var waiting = reply.WaitAsync(Limit, time, TestContext.Current.CancellationToken);

        reply.Close();

        Assert.Null(await waiting);
        Assert.False(reply.TryCarry(new HeartbeatReply(3, Accepted: true, time.GetUtcNow())));
    }

    [Fact]
    public async Task A_request_aborted_by_its_sender_takes_no_reply_and_leaves_it_to_a_message()
    {
        var time = new FakeTimeProvider();
        var reply = new InlineReply();
        using var aborted = new CancellationTokenSource();
        var waiting = reply.WaitAsync(Limit, time, aborted.Token);

        await aborted.CancelAsync();

        Assert.Null(await waiting);
        Assert.False(reply.TryCarry(new HeartbeatReply(3, Accepted: true, time.GetUtcNow())));
    }
}
