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
/// read buffer, so a frame split across reads is copied once by the kernel, not again here. With an
/// <see cref="AssemblyStore"/> a split frame is assembled in storage the caller hands in and then owns (a pooled
/// packet buffer it passes on without copying). After a bad length the decoder stays failed. Not thread safe: one
/// reader loop owns it.
/// </summary>
public sealed class TcpFrameDecoder
{
    private readonly int _maxFrameSize;
    private byte[]? _ownAssembly;
    private Memory<byte> _assembly;
    private bool _assemblyIsStored;
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
    /// Optional: asked for storage of at least the given length when a frame must be assembled; null or too short
    /// means the decoder's own buffer. A frame completed in such storage is reported by <see cref="LastFrameWasStored"/>
    /// and forgotten: the storage is the caller's again.
    /// </summary>
    public Func<int, Memory<byte>>? AssemblyStore { get; set; }

    /// <summary>True when the frame last returned was assembled in storage from <see cref="AssemblyStore"/>.</summary>
    public bool LastFrameWasStored { get; private set; }

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until one frame completes or the input ends.
    /// Call again with <c>input[consumed..]</c> while it is not empty.
    /// </summary>
    public TcpDecodeStatus Decode(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> frame)
    {
        consumed = 0;
        frame = default;
        LastFrameWasStored = false;
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

        // A frame whose assembly has started (storage taken, even with nothing in it yet) is finished there.
        var available = input.Length - consumed;
        if (_assembly.IsEmpty && available >= _prefix)
        {
            frame = input.Slice(consumed, _prefix);
            consumed += _prefix;
            ResetRecord();
            return TcpDecodeStatus.Frame;
        }

        if (_assembly.IsEmpty)
        {
            StartAssembly();
        }

        var take = Math.Min(available, _prefix - _filled);
        input.Slice(consumed, take).CopyTo(_assembly.Span[_filled..]);
        consumed += take;
        _filled += take;
        return _filled < _prefix ? TcpDecodeStatus.NeedMore : Assembled(out frame);
    }

    /// <summary>
    /// Where the missing bytes of the frame being assembled go: empty unless a length prefix was read and the frame's
    /// body is not complete. A reader that receives into it calls <see cref="CompleteRemainder"/> with the count.
    /// </summary>
    public Span<byte> Remainder =>
        _failure == TcpDecodeStatus.NeedMore && _prefixBytes == TcpFraming.PrefixSize && !_assembly.IsEmpty
            ? _assembly.Span[_filled.._prefix]
            : [];

    /// <summary>
    /// Takes <paramref name="received"/> bytes written into <see cref="Remainder"/>; true with the whole frame once they
    /// complete it (valid until the next call).
    /// </summary>
    public bool CompleteRemainder(int received, out ReadOnlySpan<byte> frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(received);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(received, Remainder.Length);
        LastFrameWasStored = false;
        _filled += received;
        if (_filled < _prefix)
        {
            frame = default;
            return false;
        }

        Assembled(out frame);
        return true;
    }

    /// <summary>The frame's body goes to caller storage when it offers enough, else to the decoder's own buffer
    /// (allocated the first time a link needs it).</summary>
    private void StartAssembly()
    {
        var stored = AssemblyStore?.Invoke(_prefix) ?? Memory<byte>.Empty;
        _assemblyIsStored = stored.Length >= _prefix;
        _assembly = _assemblyIsStored ? stored : _ownAssembly ??= new byte[_maxFrameSize];
    }

    private TcpDecodeStatus Assembled(out ReadOnlySpan<byte> frame)
    {
        frame = _assembly.Span[.._prefix];
        LastFrameWasStored = _assemblyIsStored;
        _assembly = Memory<byte>.Empty;
        _assemblyIsStored = false;
        ResetRecord();
        return TcpDecodeStatus.Frame;
    }

    private void ResetRecord()
    {
        _prefix = 0;
        _prefixBytes = 0;
        _filled = 0;
    }
}
