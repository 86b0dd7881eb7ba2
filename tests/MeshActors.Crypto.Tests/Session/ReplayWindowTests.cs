using FsCheck.Xunit;
using MeshActors.Crypto.Session;

namespace MeshActors.Crypto.Tests.Session;

public class ReplayWindowTests
{
    /// <summary>The obvious model: every counter ever accepted, and the window rule stated directly.</summary>
    private sealed class NaiveWindow
    {
        private readonly HashSet<ulong> _seen = [];
        private ulong? _highest;

        public bool Accept(ulong counter)
        {
            if (_seen.Contains(counter) || (_highest is { } h && counter < h && h - counter >= ReplayWindow.WindowSize))
            {
                return false;
            }

            _seen.Add(counter);
            _highest = _highest is { } top ? Math.Max(top, counter) : counter;
            return true;
        }
    }

    [Fact]
    public void Accepts_reordering_within_the_window_and_refuses_duplicates_and_too_old()
    {
        var window = new ReplayWindow();
        Assert.True(window.Commit(0));
        Assert.True(window.Commit(5000));
        Assert.True(window.Commit(4999));
        Assert.True(window.Commit(5000 - ReplayWindow.WindowSize + 1));
        Assert.Equal(ReplayCheck.TooOld, window.Check(5000 - ReplayWindow.WindowSize));
        Assert.Equal(ReplayCheck.Duplicate, window.Check(4999));
        Assert.Equal(ReplayCheck.Duplicate, window.Check(5000));
        Assert.Equal(ReplayCheck.Fresh, window.Check(4998));
        Assert.False(window.Commit(5000));
        Assert.Equal(ReplayCheck.TooOld, window.Check(0));
    }

    [Fact]
    public void A_jump_beyond_the_bitmap_clears_every_old_bit()
    {
        var window = new ReplayWindow();
        for (ulong i = 0; i < 2048; i++)
        {
            Assert.True(window.Commit(i));
        }

        Assert.True(window.Commit(1_000_000));
        for (var back = 1UL; back < ReplayWindow.WindowSize; back++)
        {
            Assert.Equal(ReplayCheck.Fresh, window.Check(1_000_000 - back));
        }
    }

    [Fact]
    public void Check_does_not_move_the_window()
    {
        var window = new ReplayWindow();
        Assert.Equal(ReplayCheck.Fresh, window.Check(100_000));
        Assert.True(window.Commit(1));
        Assert.True(window.Commit(2));
    }

    [Property(MaxTest = 300)]
    public bool Matches_the_naive_model_on_random_sequences(ushort[] steps, bool[] backwards, ulong start)
    {
        var window = new ReplayWindow();
        var model = new NaiveWindow();
        var counter = start % (ulong.MaxValue / 2);
        for (var i = 0; i < steps.Length; i++)
        {
            // Mostly small moves (reordering, duplicates) with occasional long jumps either way.
            var step = (ulong)(steps[i] % 7 == 0 ? steps[i] : steps[i] % 80);
            var back = i < backwards.Length && backwards[i];
            counter = back ? (counter >= step ? counter - step : 0) : counter + step;
            if (window.Commit(counter) != model.Accept(counter))
            {
                return false;
            }
        }

        return true;
    }
}
