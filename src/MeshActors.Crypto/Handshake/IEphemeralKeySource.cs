using NSec.Cryptography;

namespace MeshActors.Crypto.Handshake;

/// <summary>
/// Makes the fresh X25519 key of each handshake. Production uses <see cref="RandomEphemeralKeys"/>; tests inject
/// fixed keys so handshake bytes are reproducible (golden vectors). The handshake disposes every key it gets.
/// </summary>
public interface IEphemeralKeySource
{
    Key Create();
}

public sealed class RandomEphemeralKeys : IEphemeralKeySource
{
    public static RandomEphemeralKeys Instance { get; } = new();

    private RandomEphemeralKeys()
    {
    }

    public Key Create() => Key.Create(KeyAgreementAlgorithm.X25519);
}
