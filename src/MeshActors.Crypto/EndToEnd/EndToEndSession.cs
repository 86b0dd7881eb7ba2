using System.Security.Cryptography;
using MeshActors.Crypto.Handshake;
using MeshActors.Crypto.Session;
using MeshActors.Protocol.Data;
using NSec.Cryptography;

namespace MeshActors.Crypto.EndToEnd;

/// <summary>
/// End-to-end keys between this node and one peer, sealing and opening Data payloads in place:
/// <c>[data header 68][inner type 1][packet][tag 16]</c>. The header (minus its hop limit) is the associated data.
/// Cipher: ChaCha20-Poly1305 until a verified payload from the peer says it opens AES-256-GCM; then AES where this
/// node has AES hardware too. Each header says which cipher sealed it, so both may be in flight at once.
/// Threads: <see cref="Seal"/> from any sender thread (the TUN reader, the message bus): the counter is taken
/// atomically and the send keys are an immutable object swapped when an epoch is used up. <see cref="Open"/> from
/// any link reader thread: the receive state (keys, epoch, replay window) is guarded by a lock, uncontended unless
/// one source reaches us over several links at once. No allocation per packet; one key per epoch and cipher.
/// </summary>
public sealed class EndToEndSession
{
    private readonly byte[] _pairKey;
    private readonly byte[] _localIdentity;
    private readonly EpochSource _epochs;
    private readonly bool _localAes;
    private readonly Lock _receiveLock = new();
    private SendState _send;
    private ReceiveState? _receive;
    private bool _peerOpensAes;

    private EndToEndSession(PublicIdentity peer, byte[] localIdentity, byte[] pairKey, EpochSource epochs, bool localAes)
    {
        Peer = peer;
        _localIdentity = localIdentity;
        _pairKey = pairKey;
        _epochs = epochs;
        _localAes = localAes;
        _send = NewSendState();
    }

    public PublicIdentity Peer { get; }

    /// <summary>Where sending stands: the send epoch and the payloads sealed in it. It moves exactly when something
    /// was sealed for this peer, so a reader that compares two of these sees traffic without a per-packet counter.</summary>
    public (ulong Epoch, ulong Sealed) SendPosition
    {
        get
        {
            var send = Volatile.Read(ref _send);
            return (send.Epoch, Volatile.Read(ref send.NextCounter));
        }
    }

    /// <summary>True once payloads to this peer are sealed with AES-256-GCM.</summary>
    public bool SendsAes => _localAes && Volatile.Read(ref _peerOpensAes);

    /// <summary>Set on every use; cleared by the cache's eviction hand (clock algorithm).</summary>
    internal int Referenced;

    internal static EndToEndSession? TryCreate(NodeIdentity local, PublicIdentity peer, EpochSource epochs, bool localAes)
    {
        var pairKey = new byte[EndToEndKeys.KeySize];
        if (!EndToEndKeys.TryDerivePairKey(local, peer, pairKey))
        {
            CryptographicOperations.ZeroMemory(pairKey);
            return null;
        }

        return new EndToEndSession(peer, local.Public.Bytes.ToArray(), pairKey, epochs, localAes);
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

        var aes = SendsAes;
        var flags = (aes ? DataFlags.SealedWithAes : DataFlags.None) | (_localAes ? DataFlags.OpensAes : DataFlags.None);
        DataHeader.Write(payload, hopLimit, flags, destination, _localIdentity, send.Epoch, counter);
        Span<byte> nonce = stackalloc byte[12];
        SymmetricState.WriteNonce(nonce, counter);
        var plaintext = payload.Slice(DataHeader.Size, innerLength);
        EndToEndKeys.Aead(aes).Encrypt(
            send.KeyFor(aes), nonce, DataHeader.AssociatedData(payload), plaintext, payload.Slice(DataHeader.Size, innerLength + InnerLayout.TagSize));
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
        var flags = DataHeader.Flags(payload);
        var aes = (flags & DataFlags.SealedWithAes) != 0;
        if (counter >= EndToEndLimits.MessagesPerEpoch)
        {
            return EndToEndStatus.CounterLimit;
        }

        if (aes && !_localAes)
        {
            // The peer only switches after we said we open AES: this payload is forged or from a confused sender.
            return EndToEndStatus.DecryptFailed;
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

                if (!Decrypt(receive.KeyFor(aes, this), aes, payload, innerLength, counter))
                {
                    return EndToEndStatus.DecryptFailed;
                }

                receive.Window.Commit(counter);
                Accepted(flags);
                return EndToEndStatus.Opened;
            }

            // A newer epoch: the peer restarted or used up its previous one. Adopt it only once a payload under it
            // verifies, so forged epochs cannot push out the live one (a forged one costs an HKDF and a key import).
            var candidate = new ReceiveState(epoch);
            if (!Decrypt(candidate.KeyFor(aes, this), aes, payload, innerLength, counter))
            {
                candidate.Dispose();
                return EndToEndStatus.DecryptFailed;
            }

            candidate.Window.Commit(counter);
            _receive = candidate;
            receive?.Dispose();
            Accepted(flags);
            return EndToEndStatus.Opened;
        }
    }

    private static bool Decrypt(Key key, bool aes, Span<byte> payload, int innerLength, ulong counter)
    {
        Span<byte> nonce = stackalloc byte[12];
        SymmetricState.WriteNonce(nonce, counter);
        var sealedPart = payload.Slice(DataHeader.Size, innerLength + InnerLayout.TagSize);
        return EndToEndKeys.Aead(aes).Decrypt(key, nonce, DataHeader.AssociatedData(payload), sealedPart, sealedPart[..innerLength]);
    }

    /// <summary>After a payload verified: remember whether the peer opens AES, and mark the session used.</summary>
    private void Accepted(DataFlags flags)
    {
        var opensAes = (flags & DataFlags.OpensAes) != 0;
        if (Volatile.Read(ref _peerOpensAes) != opensAes)
        {
            Volatile.Write(ref _peerOpensAes, opensAes);
        }

        Touch();
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
        var chacha = EndToEndKeys.DeriveDirectionKey(_pairKey, epoch, _localIdentity, Peer.Bytes, aes: false);
        var aes = _localAes ? EndToEndKeys.DeriveDirectionKey(_pairKey, epoch, _localIdentity, Peer.Bytes, aes: true) : null;
        return new SendState(epoch, chacha, aes);
    }

    private Key DeriveReceiveKey(ulong epoch, bool aes) => EndToEndKeys.DeriveDirectionKey(_pairKey, epoch, Peer.Bytes, _localIdentity, aes);

    /// <summary>Replaces a used-up send state once, however many threads noticed; the old keys are left to their SafeHandles since a sealer may still hold them.</summary>
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

    public override string ToString() => $"EndToEndSession({Peer})";

    private sealed class SendState(ulong epoch, Key chacha, Key? aes)
    {
        public ulong NextCounter;

        public ulong Epoch { get; } = epoch;

        /// <summary>The AES key exists exactly when this node has AES hardware, which <see cref="SendsAes"/> requires.</summary>
        public Key KeyFor(bool useAes) => useAes ? aes! : chacha;
    }

    /// <summary>One peer epoch's receive keys, derived on first use per cipher, and its replay window. Used under the session's lock.</summary>
    private sealed class ReceiveState(ulong epoch) : IDisposable
    {
        private Key? _chacha;
        private Key? _aes;

        public ulong Epoch { get; } = epoch;

        public ReplayWindow Window { get; } = new();

        public Key KeyFor(bool aes, EndToEndSession session) => aes
            ? _aes ??= session.DeriveReceiveKey(Epoch, aes: true)
            : _chacha ??= session.DeriveReceiveKey(Epoch, aes: false);

        public void Dispose()
        {
            _chacha?.Dispose();
            _aes?.Dispose();
        }
    }
}
