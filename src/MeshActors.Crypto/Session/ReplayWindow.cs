namespace MeshActors.Crypto.Session;

public enum ReplayCheck : byte
{
    Fresh,

    /// <summary>Already accepted once.</summary>
    Duplicate,

    /// <summary>Further behind the highest accepted counter than the window reaches; cannot be told from a replay.</summary>
    TooOld,
}

/// <summary>
/// Sliding anti-replay window over 64-bit counters (the ring-of-words scheme of RFC 6479): a 2048-bit bitmap as
/// 32 words. Accepts any counter above the highest seen and any unseen counter up to <see cref="WindowSize"/> − 1
/// below it, so UDP reordering within the window is harmless. <see cref="Check"/> is side-effect free and runs
/// before decryption; <see cref="Commit"/> runs only after the tag verified, so forged frames never move the window.
/// Not thread safe: the one receive loop of a session owns it. Allocates its bitmap once.
/// </summary>
public sealed class ReplayWindow
{
    /// <summary>Bitmap size in bits: 2048 (256 bytes per session) tolerates ~2000 frames of reordering.</summary>
    public const int BitmapBits = 2048;

    private const int WordBits = 64;
    private const int Words = BitmapBits / WordBits;

    /// <summary>
    /// How far back (in counters) frames are still accepted: one word less than the bitmap, because the word
    /// holding the newest counter is cleared whole when the window advances into it.
    /// </summary>
    public const int WindowSize = BitmapBits - WordBits;

    private readonly ulong[] _bitmap = new ulong[Words];

    /// <summary>One past the highest committed counter; zero while nothing was committed.</summary>
    private ulong _end;

    public ReplayCheck Check(ulong counter)
    {
        if (counter >= _end)
        {
            return ReplayCheck.Fresh;
        }

        if (_end - counter > WindowSize)
        {
            return ReplayCheck.TooOld;
        }

        return (_bitmap[WordIndex(counter)] & BitOf(counter)) != 0 ? ReplayCheck.Duplicate : ReplayCheck.Fresh;
    }

    /// <summary>Marks <paramref name="counter"/> seen; false (and no change) when <see cref="Check"/> would refuse it.</summary>
    public bool Commit(ulong counter)
    {
        if (Check(counter) != ReplayCheck.Fresh)
        {
            return false;
        }

        if (counter >= _end)
        {
            Advance(counter);
        }

        _bitmap[WordIndex(counter)] |= BitOf(counter);
        return true;
    }

    private void Advance(ulong counter)
    {
        // Clear every word the window slides into: they still hold bits from counters a lap (2048) or more back.
        // Before the first commit the bitmap is all zero already.
        if (_end != 0)
        {
            var oldWord = (_end - 1) / WordBits;
            var toClear = Math.Min(counter / WordBits - oldWord, Words);
            for (ulong i = 1; i <= toClear; i++)
            {
                _bitmap[(int)((oldWord + i) % Words)] = 0;
            }
        }

        _end = counter + 1;
    }

    private static int WordIndex(ulong counter) => (int)(counter / WordBits % Words);

    private static ulong BitOf(ulong counter) => 1UL << (int)(counter % WordBits);
}
