using MeshActors.Node.Links;
using MeshActors.Protocol.Frames;

namespace MeshActors.Node.Tests.Links;

public class LinkHealthTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public void Rtt_is_echo_age_minus_hold_time_then_smoothed_with_gain_one_eighth()
    {
        var health = new LinkHealth(deadAfterMicros: 3_000_000);
        health.Start(0);

        var hello = health.NextHello(1_000, Interval);
        Assert.True(health.TakeIhu(new IhuPayload(hello.SenderTimestampMicros, 2_000, 1, 1), 13_000));
        Assert.Equal(TimeSpan.FromMilliseconds(10), health.SmoothedRtt);

        var next = health.NextHello(20_000, Interval);
        Assert.True(health.TakeIhu(new IhuPayload(next.SenderTimestampMicros, 0, 2, 2), 38_000));
        Assert.Equal(TimeSpan.FromMilliseconds(11), health.SmoothedRtt); // 10 + (18 − 10) / 8
    }

    [Fact]
    public void An_ihu_echoing_a_future_time_is_refused_and_proves_nothing()
    {
        var health = new LinkHealth(deadAfterMicros: 3_000_000);
        health.Start(0);

        Assert.False(health.TakeIhu(new IhuPayload(5_000_000, 0, 1, 1), 1_000_000));
        Assert.Null(health.SmoothedRtt);
        Assert.Equal(0, health.LastHeardMicros);
    }

    [Fact]
    public void Link_is_dead_only_after_the_silence_bound()
    {
        var health = new LinkHealth(deadAfterMicros: 3_000_000);
        health.Start(0);
        health.Heard(1_000_000);

        Assert.False(health.IsDead(4_000_000));
        Assert.True(health.IsDead(4_000_001));
    }

    [Fact]
    public void Answering_hellos_reports_how_many_of_the_last_window_arrived()
    {
        var sender = new LinkHealth(3_000_000);
        var receiver = new LinkHealth(3_000_000);
        IhuPayload last = default;
        for (var i = 0; i < 10; i++)
        {
            var hello = sender.NextHello(i * 1_000_000L, Interval);
            if (i % 2 == 0)
            {
                last = receiver.AnswerHello(hello, i * 1_000_000L);
            }
        }

        Assert.Equal(9, last.HellosExpected); // seqnos 0..8 seen as a span
        Assert.Equal(5, last.HellosReceived); // 0, 2, 4, 6, 8

        sender.TakeIhu(last, 9_500_000);
        Assert.Equal(1 - (5.0 / 9), sender.Loss, precision: 6);
    }

    [Fact]
    public void Duplicate_or_old_hellos_do_not_inflate_the_received_count()
    {
        var sender = new LinkHealth(3_000_000);
        var receiver = new LinkHealth(3_000_000);
        var first = sender.NextHello(0, Interval);
        var second = sender.NextHello(1_000_000, Interval);

        receiver.AnswerHello(second, 1_000_000);
        var afterOld = receiver.AnswerHello(first, 1_100_000);
        var afterDuplicate = receiver.AnswerHello(second, 1_200_000);

        Assert.Equal(1, afterOld.HellosReceived);
        Assert.Equal(1, afterDuplicate.HellosReceived);
    }
}
