using MeshActors.DataPlane.Buffers;
using MeshActors.Protocol.Frames;

namespace MeshActors.DataPlane.Links;

/// <summary>A Hello, Ihu, Control or KeepAlive payload copied off a link's reader (a few per second per link).</summary>
public sealed record ControlFrame(FrameType Type, byte[] Payload);

/// <summary>
/// The one seam between a link's reader and the actor layer: a bounded queue of control frames, created with the
/// link. The reader posts (never blocks); when the inbox is full the frame is dropped and counted
/// (<see cref="LinkDrop.ControlInboxFull"/>), so a peer flooding control frames costs at most
/// <see cref="Capacity"/> copies. The owner (<see cref="ILinkEvents"/>) is told once when the inbox turns non-empty
/// and drains it with <see cref="TryTake"/> and <see cref="Rearm"/>: one wake-up in flight per link, whatever the
/// rate, and frames keep their order because they never leave this queue until the owner takes them.
/// Before <see cref="Claim"/> frames wait here (bounded) and nobody is woken.
/// </summary>
public sealed class ControlInbox
{
    private readonly BoundedRing<ControlFrame> _ring;
    private readonly LinkStats _stats;
    private ILinkEvents? _owner;
    private Link? _link;

    /// <summary>1 while a wake-up is on its way to the owner (or no owner yet): posts do not wake it again.</summary>
    private int _signalled = 1;

    internal ControlInbox(int capacity, LinkStats stats)
    {
        _ring = new BoundedRing<ControlFrame>(capacity);
        _stats = stats;
    }

    public int Capacity => _ring.Capacity;

    public int Count => _ring.Count;

    /// <summary>Reader thread: a copy of <paramref name="payload"/> joins the queue, or is dropped and counted.</summary>
    internal void Post(FrameType type, ReadOnlySpan<byte> payload)
    {
        if (_ring.Count >= _ring.Capacity || !_ring.TryEnqueue(new ControlFrame(type, payload.ToArray())))
        {
            _stats.Drop(LinkDrop.ControlInboxFull);
            return;
        }

        Signal();
    }

    /// <summary>Owner: the next frame, oldest first.</summary>
    public bool TryTake(out ControlFrame frame) => _ring.TryDequeue(out frame!);

    /// <summary>
    /// Owner, after taking frames: allows the next wake-up, and sends one at once if frames are still waiting (the
    /// owner takes a bounded batch per wake-up so one busy link cannot starve its actor's other messages).
    /// </summary>
    public void Rearm()
    {
        Volatile.Write(ref _signalled, 0);
        if (_ring.Count != 0)
        {
            Signal();
        }
    }

    internal void Claim(Link link, ILinkEvents owner)
    {
        if (Interlocked.CompareExchange(ref _owner, owner, null) is not null)
        {
            throw new InvalidOperationException($"{link} is already claimed");
        }

        _link = link;
        Rearm();
    }

    private void Signal()
    {
        if (Volatile.Read(ref _signalled) == 0 && Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _owner!.ControlPending(_link!);
        }
    }
}
