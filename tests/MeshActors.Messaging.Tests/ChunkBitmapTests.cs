using FsCheck.Xunit;

namespace MeshActors.Messaging.Tests;

public sealed class ChunkBitmapTests
{
    [Property(MaxTest = 300)]
    public bool NextWith_matches_a_linear_scan(bool[] bits, int start)
    {
        if (bits.Length == 0)
        {
            return true;
        }

        var bitmap = new ChunkBitmap(bits.Length);
        for (var i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                bitmap.Set(i);
            }
        }

        start = Math.Abs(start % bits.Length);
        foreach (var value in new[] { true, false })
        {
            var expected = Array.FindIndex(bits, start, b => b == value);
            if (bitmap.NextWith(value, start) != (expected < 0 ? bits.Length : expected))
            {
                return false;
            }
        }

        return bitmap.SetCount == bits.Count(b => b);
    }

    [Fact]
    public void Set_reports_new_bits_only_and_SetAll_completes()
    {
        var bitmap = new ChunkBitmap(130);
        Assert.True(bitmap.Set(129));
        Assert.False(bitmap.Set(129));
        Assert.Equal(2, bitmap.SetRange(127, 3));
        Assert.Equal(3, bitmap.SetCount);
        bitmap.SetAll();
        Assert.True(bitmap.IsComplete);
        Assert.Equal(130, bitmap.NextWith(false, 0));
    }
}
