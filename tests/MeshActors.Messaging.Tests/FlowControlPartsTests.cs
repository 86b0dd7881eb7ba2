using MeshActors.Messaging.Sending;

namespace MeshActors.Messaging.Tests;

/// <summary>The two small state machines behind a destination's flow: the AIMD window and the RTT/timeout estimate.</summary>
public sealed class FlowControlPartsTests
{
    private static readonly MessageBusSettings Settings = new();

    [Fact]
    public void The_window_grows_by_one_per_acked_chunk_until_a_loss_then_by_one_per_window()
    {
        var window = new CongestionWindow(Settings);
        Assert.Equal(64, window.Size);

        window.OnAcked(64, inFlight: 64);
        Assert.Equal(128, window.Size);

        window.OnLoss();
        Assert.Equal(64, window.Size);
        Assert.False(window.InSlowStart);

        window.OnAcked(64, inFlight: 64);
        Assert.Equal(65, window.Size);
    }

    [Fact]
    public void The_window_stays_within_max_send_window_and_above_its_floors()
    {
        var window = new CongestionWindow(Settings with { MaxSendWindow = 100 });
        for (var i = 0; i < 50; i++)
        {
            window.OnAcked(100, inFlight: window.Size);
        }

        Assert.Equal(100, window.Size);

        for (var i = 0; i < 20; i++)
        {
            window.OnLoss();
        }

        Assert.Equal(CongestionWindow.MinWindow, window.Size);

        window.OnTimeout();
        Assert.Equal(CongestionWindow.LossWindow, window.Size);
        window.OnLoss(); // a loss below the floor does not raise the window
        Assert.Equal(CongestionWindow.LossWindow, window.Size);
    }

    [Fact]
    public void The_window_does_not_grow_while_the_sender_does_not_fill_it()
    {
        var window = new CongestionWindow(Settings);
        window.OnAcked(10, inFlight: 10);
        Assert.Equal(64, window.Size);
    }

    [Fact]
    public void After_idle_the_window_restarts_at_most_at_the_initial_window()
    {
        var window = new CongestionWindow(Settings);
        window.OnAcked(500, inFlight: 64);
        window.RestartAfterIdle();
        Assert.Equal(64, window.Size);
    }

    [Fact]
    public void The_timeout_is_the_initial_one_until_measured_then_follows_rfc_6298_within_its_bounds()
    {
        var rtt = new RttEstimator(Settings);
        Assert.Equal(TimeSpan.FromMilliseconds(500), rtt.Timeout);

        rtt.AddSample(TimeSpan.FromMilliseconds(300)); // SRTT 300, RTTVAR 150
        Assert.Equal(TimeSpan.FromMilliseconds(900), rtt.Timeout);

        rtt.AddSample(TimeSpan.FromMilliseconds(300)); // RTTVAR 112.5
        Assert.Equal(TimeSpan.FromMilliseconds(750), rtt.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(300), rtt.Min);

        var fast = new RttEstimator(Settings);
        fast.AddSample(TimeSpan.FromMilliseconds(1));
        Assert.Equal(Settings.MinRetransmitInterval, fast.Timeout);

        var slow = new RttEstimator(Settings);
        slow.AddSample(TimeSpan.FromSeconds(30));
        Assert.Equal(Settings.MaxRetransmitInterval, slow.Timeout);
    }

    [Fact]
    public void Backoff_doubles_the_timeout_up_to_the_cap_and_progress_resets_it()
    {
        var rtt = new RttEstimator(Settings);
        var timeouts = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            timeouts.Add(rtt.Timeout.TotalSeconds);
            rtt.BackOff();
        }

        Assert.Equal([0.5, 1, 2, 4, 8, 10, 10, 10], timeouts);
        rtt.ResetBackoff();
        Assert.Equal(TimeSpan.FromMilliseconds(500), rtt.Timeout);

        for (var i = 0; i < 100; i++)
        {
            rtt.BackOff(); // never overflows
        }

        Assert.Equal(Settings.MaxRetransmitInterval, rtt.Timeout);
    }
}
