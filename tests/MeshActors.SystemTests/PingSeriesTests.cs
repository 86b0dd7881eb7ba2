namespace MeshActors.SystemTests;

/// <summary>Reading the longest outage out of ping output (no lab needed).</summary>
public sealed class PingSeriesTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private static string Replies(params int[] sequences) =>
        "PING fd6d::1 56 data bytes\n" + string.Concat(sequences.Select(s => $"64 bytes from fd6d::1: icmp_seq={s} ttl=64 time=0.5 ms\n")) +
        "From fd6d::2 icmp_seq=4 Destination unreachable: No route\n";

    [Fact]
    public void Longest_loss_is_the_longest_run_of_missing_sequence_numbers()
    {
        var series = PingSeries.Parse(Replies(1, 2, 3, 9, 10, 12), count: 12, Interval);

        Assert.Equal(6, series.Answered);
        Assert.Equal(5, series.LongestLoss);
        Assert.Equal(TimeSpan.FromSeconds(1), series.LongestGap);
        Assert.Equal(12, series.LastAnswered);
    }

    [Fact]
    public void Losses_at_the_start_and_the_end_count()
    {
        Assert.Equal(4, PingSeries.Parse(Replies(5, 6, 7, 8, 9, 10), 10, Interval).LongestLoss);
        Assert.Equal(7, PingSeries.Parse(Replies(1, 2, 3), 10, Interval).LongestLoss);
        Assert.Equal(10, PingSeries.Parse(Replies(), 10, Interval).LongestLoss);
    }
}
