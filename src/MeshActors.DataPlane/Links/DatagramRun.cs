namespace MeshActors.DataPlane.Links;

/// <summary>
/// Sealed frames of one size laid end to end in a loop's scratch buffer, to leave in one segmented send
/// (<see cref="ISegmentSender.SendSegments"/>, UDP_SEGMENT): the kernel cuts them apart again, one datagram each.
/// A frame longer than the run's first, or one that no longer fits, sends the run and starts a new one; a shorter
/// frame ends the run (a segmented send may only end with a shorter datagram). Loop thread only; no allocation.
/// </summary>
internal ref struct DatagramRun(byte[] scratch)
{
    private int _length;
    private int _frameSize;

    /// <summary>Copies <paramref name="frame"/> into the run, sending the run first or after as the rules above say.</summary>
    public void Add(ReadOnlySpan<byte> frame, ISegmentSender transport)
    {
        if (_length > 0 && (frame.Length > _frameSize || _length + frame.Length > scratch.Length))
        {
            Send(transport);
        }

        if (_length == 0)
        {
            _frameSize = frame.Length;
        }

        frame.CopyTo(scratch.AsSpan(_length));
        _length += frame.Length;
        if (frame.Length < _frameSize)
        {
            Send(transport);
        }
    }

    /// <summary>Sends what the run holds, if anything, and empties it.</summary>
    public void Send(ISegmentSender transport)
    {
        if (_length == 0)
        {
            return;
        }

        var length = _length;
        _length = 0;
        transport.SendSegments(scratch.AsSpan(0, length), _frameSize);
    }
}
