namespace MeshActors.Protocol.Frames;

public enum TcpDecodeStatus : byte
{
    /// <summary>All input was consumed and no frame is complete yet.</summary>
    NeedMore,

    /// <summary>A whole frame is available; it stays valid until the next call.</summary>
    Frame,

    /// <summary>A length prefix below the header size: the stream is broken and must be closed.</summary>
    Undersize,

    /// <summary>A length prefix above the decoder's maximum: the stream is broken and must be closed.</summary>
    Oversize,
}

/// <summary>
/// Incremental decoder for <see cref="TcpFraming"/> streams: accepts reads of any size, split anywhere. A frame
/// wholly inside one read is returned as a slice of that read (no copy); only frames split across reads are
/// assembled in a buffer of the maximum frame size, allocated the first time one is (a link that only ever sees
/// whole frames — an idle link's hellos — never pays for it). A reader may receive the rest of a started frame
/// straight into that buffer (<see cref="Remainder"/>, <see cref="CompleteRemainder"/>) instead of through its own
/// read buffer, so a frame split across reads is copied once by the kernel, not again here. After a bad length the
/// decoder stays failed. Not thread safe: one reader loop owns it.
/// </summary>
public sealed class TcpFrameDecoder
{
    private readonly int _maxFrameSize;
    private byte[]? _assembly;
    private int _prefix;
    private int _prefixBytes;
    private int _filled;
    private TcpDecodeStatus _failure = TcpDecodeStatus.NeedMore;

    public TcpFrameDecoder(int maxFrameSize = FrameLayout.MaxFrameSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, FrameLayout.HeaderSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFrameSize, FrameLayout.MaxFrameSize);
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one frame completes or the input ends.
    /// Call again with <c>input[consumed..]</c> while it is not empty.
    /// </summary>
    public TcpDecodeStatus Decode(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> frame)
    {
        consumed = 0;
        frame = default;
        if (_failure != TcpDecodeStatus.NeedMore)
        {
            return _failure;
        }

        while (_prefixBytes < TcpFraming.PrefixSize)
        {
            if (consumed == input.Length)
            {
                return TcpDecodeStatus.NeedMore;
            }

            _prefix = (_prefix << 8) | input[consumed++];
            _prefixBytes++;
        }

        if (_prefix < FrameLayout.HeaderSize || _prefix > _maxFrameSize)
        {
            _failure = _prefix < FrameLayout.HeaderSize ? TcpDecodeStatus.Undersize : TcpDecodeStatus.Oversize;
            return _failure;
        }

        var available = input.Length - consumed;
        if (_filled == 0 && available >= _prefix)
        {
            frame = input.Slice(consumed, _prefix);
            consumed += _prefix;
            ResetRecord();
            return TcpDecodeStatus.Frame;
        }

        var take = Math.Min(available, _prefix - _filled);
        _assembly ??= new byte[_maxFrameSize];
        input.Slice(consumed, take).CopyTo(_assembly.AsSpan(_filled));
        consumed += take;
        _filled += take;
        if (_filled < _prefix)
        {
            return TcpDecodeStatus.NeedMore;
        }

        frame = _assembly.AsSpan(0, _prefix);
        ResetRecord();
        return TcpDecodeStatus.Frame;
    }

    /// <summary>
    /// Where the missing bytes of the frame being assembled go: empty unless a length prefix was read and the frame's
    /// body is not complete. A reader that receives into it calls <see cref="CompleteRemainder"/> with the count.
    /// </summary>
    public Span<byte> Remainder =>
        _failure == TcpDecodeStatus.NeedMore && _prefixBytes == TcpFraming.PrefixSize && _assembly is not null
            ? _assembly.AsSpan(_filled, _prefix - _filled)
            : [];

    /// <summary>
    /// Takes <paramref name="received"/> bytes written into <see cref="Remainder"/>; true with the whole frame once they
    /// complete it (valid until the next call).
    /// </summary>
    public bool CompleteRemainder(int received, out ReadOnlySpan<byte> frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(received);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(received, Remainder.Length);
        _filled += received;
        if (_filled < _prefix)
        {
            frame = default;
            return false;
        }

        frame = _assembly.AsSpan(0, _prefix);
        ResetRecord();
        return true;
    }

    private void ResetRecord()
    {
        _prefix = 0;
        _prefixBytes = 0;
        _filled = 0;
    }
}
