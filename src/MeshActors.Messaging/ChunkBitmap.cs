using System.Numerics;

namespace MeshActors.Messaging;

/// <summary>
/// One bit per chunk: received (receiver side) or acknowledged (sender side). Sized once from the chunk count,
/// which the caller has already bounded by the message size limit.
/// </summary>
public sealed class ChunkBitmap
{
    private readonly ulong[] _words;

    public ChunkBitmap(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
        _words = new ulong[(count + 63) / 64];
    }

    /// <summary>Number of chunks the bitmap covers.</summary>
    public int Count { get; }

    /// <summary>Number of set bits.</summary>
    public int SetCount { get; private set; }

    public bool IsComplete => SetCount == Count;

    public bool IsSet(int index) => (_words[index >> 6] & (1UL << index)) != 0;

    /// <summary>Sets one bit; returns false when it was already set.</summary>
    public bool Set(int index)
    {
        ref var word = ref _words[index >> 6];
        var mask = 1UL << index;
        if ((word & mask) != 0)
        {
            return false;
        }

        word |= mask;
        SetCount++;
        return true;
    }

    /// <summary>Clears one bit; returns false when it was already clear.</summary>
    public bool Clear(int index)
    {
        ref var word = ref _words[index >> 6];
        var mask = 1UL << index;
        if ((word & mask) == 0)
        {
            return false;
        }

        word &= ~mask;
        SetCount--;
        return true;
    }

    /// <summary>Sets <paramref name="length"/> bits from <paramref name="first"/>; returns how many were newly set.</summary>
    public int SetRange(int first, int length)
    {
        var added = 0;
        for (var i = first; i < first + length; i++)
        {
            if (Set(i))
            {
                added++;
            }
        }

        return added;
    }

    /// <summary>A copy of the bits, 64 per word, for a snapshot (bits beyond <see cref="Count"/> clear).</summary>
    public ulong[] ToWords()
    {
        var words = (ulong[])_words.Clone();
        if ((Count & 63) != 0)
        {
            words[^1] &= (1UL << (Count & 63)) - 1;
        }

        return words;
    }

    /// <summary>Sets every bit set in <paramref name="words"/> (as from <see cref="ToWords"/>); false when the words do not
    /// fit this bitmap (wrong length, bits beyond <see cref="Count"/>), and then nothing is set.</summary>
    public bool TrySetFrom(ReadOnlySpan<ulong> words)
    {
        var tailBits = Count & 63;
        if (words.Length != _words.Length || (tailBits != 0 && (words[^1] >> tailBits) != 0))
        {
            return false;
        }

        for (var i = 0; i < words.Length; i++)
        {
            var added = words[i] & ~_words[i];
            _words[i] |= added;
            SetCount += BitOperations.PopCount(added);
        }

        return true;
    }

    public void SetAll()
    {
        Array.Fill(_words, ulong.MaxValue);
        SetCount = Count;
    }

    /// <summary>First index ≥ <paramref name="start"/> whose bit equals <paramref name="value"/>, or <see cref="Count"/>.</summary>
    public int NextWith(bool value, int start)
    {
        for (var index = start; index < Count;)
        {
            var word = _words[index >> 6];
            if (!value)
            {
                word = ~word;
            }

            word >>= index & 63;
            if (word != 0)
            {
                return Math.Min(Count, index + BitOperations.TrailingZeroCount(word));
            }

            index = (index | 63) + 1;
        }

        return Count;
    }
}
