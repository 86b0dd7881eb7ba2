using MeshActors.Routing.Nat;

namespace MeshActors.Routing.Tests.Nat;

public sealed class TrafficWatchTests
{
    [Fact]
    public void A_peer_counts_when_its_send_position_moved_or_is_new_and_past_the_start()
    {
        var watch = new TrafficWatch<string>();

        Assert.Equal(["a"], watch.Sent([("a", (1UL, 3UL)), ("b", (1UL, 0UL))]));
        Assert.Empty(watch.Sent([("a", (1UL, 3UL)), ("b", (1UL, 0UL))]));
        Assert.Equal(["b"], watch.Sent([("a", (1UL, 3UL)), ("b", (1UL, 1UL))]));
        Assert.Equal(["a"], watch.Sent([("a", (2UL, 0UL)), ("b", (1UL, 1UL))]));

        // A peer evicted from the cache and back is new again.
        Assert.Empty(watch.Sent([("b", (1UL, 1UL))]));
        Assert.Equal(["a"], watch.Sent([("a", (3UL, 5UL)), ("b", (1UL, 1UL))]));
    }
}
