using System.Security.Cryptography;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Data;
using NSec.Cryptography;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// End-to-end keys between this node and one peer, sealing and opening Data payloads in place:
/// <c>[data header 68][inner type 1][packet][tag 16]</c>. The header (minus its hop limit) is the associated data.
/// Threads: <see cref="Seal"/> from any sender thread (the TUN reader, the message bus): the counter is taken
/// atomically and the send key is an immutable object swapped when an epoch is used up. <see cref="Open"/> from
/// any link reader thread: the receive state (key, epoch, replay window) is guarded by a lock, uncontended unless
/// one source reaches us over several links at once. No allocation per packet; one key per epoch change.
/// </summary>
public sealed class EndToEndSession
{
    private readonly byte[] _pairKey;
    private readonly byte[] _localIdentity;
    private readonly EpochSource _epochs;
    private readonly Lock _receiveLock = new();
    private SendState _send;
    private ReceiveState? _receive;

    private EndToEndSession(PublicIdentity peer, byte[] localIdentity, byte[] pairKey, EpochSource epochs)
    {
        Peer = peer;
        _localIdentity = localIdentity;
        _pairKey = pairKey;
        _epochs = epochs;
        _send = NewSendState();
    }

    public PublicIdentity Peer { get; }

    /// <summary>Set on every use; cleared by the cache's eviction hand (clock algorithm).</summary>
    internal int Referenced;

    internal static EndToEndSession? TryCreate(NodeIdentity local, PublicIdentity peer, EpochSource epochs)
    {
        var pairKey = new byte[EndToEndKeys.KeySize];
        if (!EndToEndKeys.TryDerivePairKey(local, peer, pairKey))
        {
            CryptographicOperations.ZeroMemory(pairKey);
            return null;
        }

        return new EndToEndSession(peer, local.Public.Bytes.ToArray(), pairKey, epochs);
    }

    /// <summary>
    /// Writes the data header and seals <c>payload[68 .. 68+innerLength]</c> (type byte and packet) in place.
    /// <paramref name="payload"/> must hold <c>68 + innerLength + 16</c> bytes. Returns the sealed payload length.
    /// </summary>
    public int Seal(Span<byte> payload, int innerLength, byte hopLimit, ReadOnlySpan<byte> destination)
    {
        var total = DataHeader.Size + innerLength + InnerLayout.TagSize;
        if (innerLength < InnerLayout.TypeSize || payload.Length < total)
        {
            throw new ArgumentException("payload too small for header, inner part and tag", nameof(payload));
        }

        var send = Volatile.Read(ref _send);
        var counter = Interlocked.Increment(ref send.NextCounter) - 1;
        while (counter >= EndToEndLimits.MessagesPerEpoch)
        {
            send = RotateSendState(send);
            counter = Interlocked.Increment(ref send.NextCounter) - 1;
        }

        DataHeader.Write(payload, hopLimit, destination, _localIdentity, send.Epoch, counter);
        Span<byte> nonce = stackalloc byte[12];
        SymmetricState.WriteNonce(nonce, counter);
        var plaintext = payload.Slice(DataHeader.Size, innerLength);
        EndToEndKeys.Aead.Encrypt(
            send.Key, nonce, DataHeader.AssociatedData(payload), plaintext, payload.Slice(DataHeader.Size, innerLength + InnerLayout.TagSize));
        Touch();
        return total;
    }

    /// <summary>
    /// Opens a payload whose header names this session's peer as source. On <see cref="EndToEndStatus.Opened"/>
    /// the plaintext (type byte and packet) lies at <c>payload[68 .. 68+innerLength]</c>.
    /// </summary>
    public EndToEndStatus Open(Span<byte> payload, out int innerLength)
    {
        innerLength = payload.Length - DataHeader.Size - InnerLayout.TagSize;
        if (innerLength < InnerLayout.TypeSize)
        {
            return EndToEndStatus.Malformed;
        }

        var epoch = DataHeader.Epoch(payload);
        var counter = DataHeader.Counter(payload);
        if (counter >= EndToEndLimits.MessagesPerEpoch)
        {
            return EndToEndStatus.CounterLimit;
        }

        lock (_receiveLock)
        {
            var receive = _receive;
            if (receive is not null && epoch < receive.Epoch)
            {
                return EndToEndStatus.StaleEpoch;
            }

            if (receive is not null && epoch == receive.Epoch)
            {
                switch (receive.Window.Check(counter))
                {
                    case ReplayCheck.Duplicate:
                        return EndToEndStatus.Replay;
                    case ReplayCheck.TooOld:
                        return EndToEndStatus.TooOld;
                }

                if (!Decrypt(receive.Key, payload, innerLength, counter))
                {
                    return EndToEndStatus.DecryptFailed;
                }

                receive.Window.Commit(counter);
                Touch();
                return EndToEndStatus.Opened;
            }

            // A newer epoch: the peer restarted or used up its previous one. Adopt it only once a packet under it
            // verifies, so forged epochs cannot push out the live one.
            var candidate = EndToEndKeys.DeriveDirectionKey(_pairKey, epoch, Peer.Bytes, _localIdentity);
            if (!Decrypt(candidate, payload, innerLength, counter))
            {
                candidate.Dispose();
                return EndToEndStatus.DecryptFailed;
            }

            var adopted = new ReceiveState(epoch, candidate);
            adopted.Window.Commit(counter);
            _receive = adopted;
            Touch();
            return EndToEndStatus.Opened;
        }
    }

    private static bool Decrypt(Key key, Span<byte> payload, int innerLength, ulong counter)
    {
        Span<byte> nonce = stackalloc byte[12];
        SymmetricState.WriteNonce(nonce, counter);
        var sealedPart = payload.Slice(DataHeader.Size, innerLength + InnerLayout.TagSize);
        return EndToEndKeys.Aead.Decrypt(key, nonce, DataHeader.AssociatedData(payload), sealedPart, sealedPart[..innerLength]);
    }

    private void Touch()
    {
        if (Volatile.Read(ref Referenced) == 0)
        {
            Volatile.Write(ref Referenced, 1);
        }
    }

    private SendState NewSendState()
    {
        var epoch = _epochs.Next();
        return new SendState(epoch, EndToEndKeys.DeriveDirectionKey(_pairKey, epoch, _localIdentity, Peer.Bytes));
    }

    /// <summary>Replaces a used-up send state once, however many threads noticed; the old key is left to its SafeHandle since a sealer may still hold it.</summary>
    private SendState RotateSendState(SendState exhausted)
    {
        lock (_receiveLock)
        {
            var current = Volatile.Read(ref _send);
            if (ReferenceEquals(current, exhausted))
            {
                current = NewSendState();
                Volatile.Write(ref _send, current);
            }

            return current;
        }
    }

    private sealed class SendState(ulong epoch, Key key)
    {
        public ulong NextCounter;

        public ulong Epoch { get; } = epoch;

        public Key Key { get; } = key;
    }

    private sealed class ReceiveState(ulong epoch, Key key)
    {
        public ulong Epoch { get; } = epoch;

        public Key Key { get; } = key;

        public ReplayWindow Window { get; } = new();
    }

    public override string ToString() => $"EndToEndSession({Peer})";
}
