using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MeshActors.Messaging;

/// <summary>Source of 64-bit message ids; injected so tests are repeatable.</summary>
public interface IMessageIdSource
{
    ulong NextId();
}

/// <summary>
/// Ids from the OS CSPRNG: unpredictable, so a third party cannot pre-send chunks that collide with a message
/// id another node is about to use.
/// </summary>
public sealed class RandomMessageIdSource : IMessageIdSource
{
    public ulong NextId()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
