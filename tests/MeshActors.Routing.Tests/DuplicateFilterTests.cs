using MeshActors.Routing;

namespace MeshActors.Routing.Tests;

public sealed class DuplicateFilterTests
{
    private static readonly TimeSpan Generation = TimeSpan.FromSeconds(10);

    [Fact]
    public void Second_sighting_within_the_window_is_a_duplicate()
    {
        var filter = new DuplicateFilter<long>(Generation, 3, 100, TimeSpan.Zero);

        Assert.True(filter.TryAdd(1, TimeSpan.Zero));
        Assert.False(filter.TryAdd(1, TimeSpan.FromSeconds(5)));
        Assert.False(filter.TryAdd(1, TimeSpan.FromSeconds(25)));
    }

    [Fact]
    public void Id_is_forgotten_after_all_generations_rotated()
    {
        var filter = new DuplicateFilter<long>(Generation, 3, 100, TimeSpan.Zero);
        filter.TryAdd(1, TimeSpan.FromSeconds(1));

        Assert.True(filter.TryAdd(1, TimeSpan.FromSeconds(31)));
    }

    [Fact]
    public void Long_silence_clears_everything()
    {
        var filter = new DuplicateFilter<long>(Generation, 3, 100, TimeSpan.Zero);
        for (var id = 0; id < 50; id++)
        {
            filter.TryAdd(id, TimeSpan.FromSeconds(id % 25));
        }

        filter.TryAdd(-1, TimeSpan.FromHours(1));

        Assert.Equal(1, filter.Count);
    }

    [Fact]
    public void Memory_stays_bounded_under_a_flood_of_fresh_ids()
    {
        var filter = new DuplicateFilter<long>(Generation, 3, 100, TimeSpan.Zero);
        for (var id = 0; id < 100_000; id++)
        {
            Assert.True(filter.TryAdd(id, TimeSpan.FromMilliseconds(id)));
            Assert.True(filter.Count <= 300);
        }

        Assert.False(filter.TryAdd(99_999, TimeSpan.FromSeconds(100)));
    }
}
