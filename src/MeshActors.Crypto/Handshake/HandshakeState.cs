using System.Text;
using NSec.Cryptography;
using MeshActors.Protocol.Frames;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// The Noise HandshakeState of one handshake, for patterns IKpsk0 and XXpsk0 (PROTOCOL.md "Handshake"): token
/// operations over a <see cref="SymmetricState"/>. A static key travels as the 32-byte Ed25519 identity; its X25519
/// form (Edwards → Montgomery) is used for DH, so proving the X25519 key proves the identity it was derived from.
/// Single owner, short-lived; disposing it zeroes its secrets and frees the ephemeral key.
/// </summary>
internal sealed class HandshakeState : IDisposable
{
    private const int KeySize = HandshakeLayout.KeySize;

    private static readonly byte[] IkName = Encoding.ASCII.GetBytes("MeshActors_IKpsk0_25519_ChaChaPoly_SHA256");
    private static readonly byte[] XxName = Encoding.ASCII.GetBytes("MeshActors_XXpsk0_25519_ChaChaPoly_SHA256");
    private static readonly byte[] Prologue = Encoding.ASCII.GetBytes("meshactors link v1");

    private readonly SymmetricState _symmetric;
    private readonly NodeIdentity _local;
    private readonly bool _initiator;
    private Key? _ephemeral;
    private PublicKey? _remoteEphemeral;
    private PublicKey? _remoteStatic;

    /// <param name="responderStatic">IK only: the responder's identity, the pattern's pre-message (both sides know it).</param>
    /// <param name="psk">The network key, or 32 zero bytes when the initiator offers none.</param>
    public HandshakeState(bool initiator, NodeIdentity local, PublicIdentity? responderStatic, ReadOnlySpan<byte> psk)
    {
        _initiator = initiator;
        _local = local;
        _symmetric = new SymmetricState(responderStatic is null ? XxName : IkName);
        _symmetric.MixHash(Prologue);
        if (responderStatic is { } pinned)
        {
            _symmetric.MixHash(pinned.Bytes);
            if (initiator)
            {
                RemoteIdentity = pinned;
                _remoteStatic = pinned.ToX25519PublicKey();
            }
        }

        _symmetric.MixKeyAndHash(psk);
    }

    /// <summary>The peer's authenticated identity once its static key has been read (or pinned).</summary>
    public PublicIdentity RemoteIdentity { get; private set; }

    /// <summary>Binds a message's cleartext prefix (header, sender index) into the transcript.</summary>
    public void MixCleartext(ReadOnlySpan<byte> cleartext) => _symmetric.MixHash(cleartext);

    /// <summary>Token "e" (write): a fresh ephemeral key; psk patterns also mix it into the key (Noise §9.2).</summary>
    public void WriteEphemeral(IEphemeralKeySource source, Span<byte> destination)
    {
        _ephemeral = source.Create();
        if (!_ephemeral.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, destination[..KeySize], out _))
        {
            throw new InvalidOperationException("an X25519 public key is 32 bytes");
        }

        _symmetric.MixHash(destination[..KeySize]);
        _symmetric.MixKey(destination[..KeySize]);
    }

    public bool ReadEphemeral(ReadOnlySpan<byte> source)
    {
        if (!PublicKey.TryImport(KeyAgreementAlgorithm.X25519, source[..KeySize], KeyBlobFormat.RawPublicKey, out var remote) || remote is null)
        {
            return false;
        }

        _remoteEphemeral = remote;
        _symmetric.MixHash(source[..KeySize]);
        _symmetric.MixKey(source[..KeySize]);
        return true;
    }

    /// <summary>Token "s" (write): our identity, sealed (48 bytes).</summary>
    public void WriteStatic(Span<byte> destination) =>
        _symmetric.EncryptAndHash(_local.Public.Bytes, destination[..HandshakeLayout.SealedKeySize]);

    public HandshakeError ReadStatic(ReadOnlySpan<byte> source)
    {
        Span<byte> identity = stackalloc byte[KeySize];
        if (!_symmetric.DecryptAndHash(source[..HandshakeLayout.SealedKeySize], identity))
        {
            return HandshakeError.AuthenticationFailed;
        }

        if (!PublicIdentity.TryFromBytes(identity, out var remote))
        {
            return HandshakeError.BadKey;
        }

        RemoteIdentity = remote;
        _remoteStatic = remote.ToX25519PublicKey();
        return HandshakeError.None;
    }

    public bool MixEe() => _symmetric.MixKey(Ephemeral, RemoteEphemeral);

    /// <summary>DH(initiator's ephemeral, responder's static).</summary>
    public bool MixEs() => _initiator
        ? _symmetric.MixKey(Ephemeral, RemoteStatic)
        : _symmetric.MixKey(_local.AgreementKey, RemoteEphemeral);

    /// <summary>DH(initiator's static, responder's ephemeral).</summary>
    public bool MixSe() => _initiator
        ? _symmetric.MixKey(_local.AgreementKey, RemoteEphemeral)
        : _symmetric.MixKey(Ephemeral, RemoteStatic);

    public bool MixSs() => _symmetric.MixKey(_local.AgreementKey, RemoteStatic);

    public void WritePayload(ReadOnlySpan<byte> payload, Span<byte> destination) =>
        _symmetric.EncryptAndHash(payload, destination);

    public bool ReadPayload(ReadOnlySpan<byte> source, Span<byte> payload) => _symmetric.DecryptAndHash(source, payload);

    /// <summary>The two transport keys, each direction's own (32 bytes each).</summary>
    public void Split(Span<byte> sendKey, Span<byte> receiveKey)
    {
        if (_initiator)
        {
            _symmetric.Split(sendKey, receiveKey);
        }
        else
        {
            _symmetric.Split(receiveKey, sendKey);
        }
    }

    public void Dispose()
    {
        _symmetric.Dispose();
        _ephemeral?.Dispose();
        _ephemeral = null;
    }

    private Key Ephemeral => _ephemeral ?? throw new InvalidOperationException("no local ephemeral yet");

    private PublicKey RemoteEphemeral => _remoteEphemeral ?? throw new InvalidOperationException("no remote ephemeral yet");

    private PublicKey RemoteStatic => _remoteStatic ?? throw new InvalidOperationException("no remote static yet");
}
