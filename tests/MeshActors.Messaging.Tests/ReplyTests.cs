using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

public sealed class ReplyTests
{
    private readonly CapturingSink _toBob = new();
    private readonly CapturingSink _toAlice = new();
    private readonly MessageBusCore _alice = new(new MessageBusSettings(), new SequentialIds(10, 11));
    private readonly MessageBusCore _bob = new(new MessageBusSettings(), new SequentialIds(20, 21));

    private ulong AskBob(TimeSpan? replyTimeout)
    {
        var id = _alice.Outbound.Send(new SendRequest(Bob, "ping"u8.ToArray()) { ReplyTimeout = replyTimeout }, T0).MessageId;
        _alice.Poll(T0, _toBob);
        Pump(_toBob, Alice, _bob, T0, _toAlice);
        Pump(_toAlice, Bob, _alice, T0, _toBob);
        return id;
    }

    private List<ReceiveOutcome> BobReplies(ulong to, DateTimeOffset at)
    {
        var question = _bob.Inbound.Pop(default, _toAlice)!;
        Assert.Equal(to, question.Id);
        _bob.Outbound.Send(new SendRequest(question.Sender, "pong"u8.ToArray()) { ReplyTo = question.Id }, at);
        _bob.Poll(at, _toAlice);
        var outcomes = _toAlice.Take().Select(f => _alice.Receive(Bob, f.Frame, at, _toBob)).ToList();
        _alice.Inbound.FlushAcks(_toBob);
        return outcomes;
    }

    [Fact]
    public void Awaited_reply_bypasses_the_inbox_and_is_handed_to_the_waiter()
    {
        var id = AskBob(TimeSpan.FromSeconds(30));
        var outcomes = BobReplies(id, T0.AddSeconds(1));

        Assert.Contains(outcomes, o => o.Chunk == ChunkOutcome.ReplyParked && o.MessageId == id);
        Assert.True(_alice.Replies.TryTake(id, out var reply));
        Assert.Equal(("pong", id), (System.Text.Encoding.UTF8.GetString(reply.Payload), reply.ReplyTo));
        Assert.Equal(0, _alice.Inbound.InboxCount);
        Assert.Equal(0, _alice.Replies.Count);
    }

    [Fact]
    public void Reply_after_the_wait_timed_out_goes_to_the_inbox()
    {
        var id = AskBob(TimeSpan.FromSeconds(30));
        _alice.Poll(T0.AddSeconds(30), _toBob);
        var outcomes = BobReplies(id, T0.AddSeconds(31));

        Assert.Contains(outcomes, o => o.Chunk == ChunkOutcome.Delivered);
        Assert.False(_alice.Replies.TryTake(id, out _));
        Assert.Equal(id, _alice.Inbound.Pop(default, _toBob)!.ReplyTo);
    }

    [Fact]
    public void Reply_nobody_waits_for_lands_in_the_inbox_with_its_reply_to_id()
    {
        var id = AskBob(null);
        BobReplies(id, T0.AddSeconds(1));

        var reply = _alice.Inbound.Peek(default)!;
        Assert.Equal(id, reply.ReplyTo);
    }

    [Fact]
    public void Parked_reply_whose_waiter_expired_untaken_is_moved_to_the_inbox()
    {
        var id = AskBob(TimeSpan.FromSeconds(30));
        BobReplies(id, T0.AddSeconds(1));
        _alice.Poll(T0.AddSeconds(30), _toBob);

        Assert.False(_alice.Replies.TryTake(id, out _));
        Assert.Equal("pong"u8.ToArray(), _alice.Inbound.Peek(default)!.Payload);
    }

    [Fact]
    public void Reply_waiters_are_bounded_by_max_in_flight()
    {
        var alice = new MessageBusCore(new MessageBusSettings { MaxInFlight = 1 }, new SequentialIds(1, 2));
        var first = alice.Outbound.Send(new SendRequest(Bob, new byte[1]) { ReplyTimeout = TimeSpan.FromSeconds(5) }, T0);
        var ack = new byte[Wire.BusFrameLayout.AckHeaderSize];
        Wire.AckCodec.WriteComplete(ack, first.MessageId);
        alice.Receive(Bob, ack, T0, _toBob);

        var second = alice.Outbound.Send(new SendRequest(Bob, new byte[1]) { ReplyTimeout = TimeSpan.FromSeconds(5) }, T0);
        Assert.Equal(SendError.TooManyReplyWaiters, second.Error);
    }
}
