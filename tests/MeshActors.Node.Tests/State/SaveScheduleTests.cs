using MeshActors.Node.State;

namespace MeshActors.Node.Tests.State;

public sealed class SaveScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_change_after_a_quiet_spell_is_saved_at_once_a_burst_once_per_interval()
    {
        var schedule = new SaveSchedule(TimeSpan.FromMilliseconds(100));
        Assert.Null(schedule.DueAt);

        schedule.MarkChanged();
        Assert.True(schedule.IsDue(T0));
        schedule.Saved(T0);
        Assert.Null(schedule.DueAt);

        schedule.MarkChanged();
        schedule.MarkChanged();
        Assert.False(schedule.IsDue(T0.AddMilliseconds(99)));
        Assert.Equal(T0.AddMilliseconds(100), schedule.DueAt);
        Assert.True(schedule.IsDue(T0.AddMilliseconds(100)));
        schedule.Saved(T0.AddMilliseconds(100));

        schedule.MarkChanged();
        Assert.True(schedule.IsDue(T0.AddSeconds(5)));
    }
}
