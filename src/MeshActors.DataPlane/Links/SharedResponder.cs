using MeshActors.Crypto.Handshake;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// The node's one <see cref="HandshakeResponder"/> (single owner by design) shared by every listener and UDP
/// endpoint under a lock. Initiations are low-rate and cost two X25519 each, so the lock is not a bottleneck and
/// keeps the half-open cap and the per-identity timestamps node-wide.
/// </summary>
public sealed class SharedResponder : IDisposable
{
    private readonly HandshakeResponder _responder;
    private readonly Lock _lock = new();

    public SharedResponder(HandshakeSettings settings, int maxHalfOpen) => _responder = new HandshakeResponder(settings, maxHalfOpen);

    public int HalfOpenCount
    {
        get
        {
            lock (_lock)
            {
                return _responder.HalfOpenCount;
            }
        }
    }

    public HandshakeResult Receive(ReadOnlySpan<byte> frame, uint localIndex, long nowMs, Span<byte> reply)
    {
        lock (_lock)
        {
            return _responder.Receive(frame, localIndex, nowMs, reply);
        }
    }

    public void Forget(uint localIndex)
    {
        lock (_lock)
        {
            _responder.Forget(localIndex);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _responder.Dispose();
        }
    }
}
