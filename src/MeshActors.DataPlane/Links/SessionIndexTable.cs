using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace MeshActors.DataPlane.Links;

/// <summary>
/// Hands out the u32 session indexes of one node: random (an index says nothing about how many sessions exist),
/// non-zero (zero marks an initiation), and unique among live sessions and handshakes. Thread safe.
/// </summary>
public sealed class SessionIndexTable
{
    private readonly ConcurrentDictionary<uint, byte> _live = new();

    public int Count => _live.Count;

    public uint Allocate()
    {
        Span<byte> random = stackalloc byte[sizeof(uint)];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var index = BitConverter.ToUInt32(random);
            if (index != 0 && _live.TryAdd(index, 0))
            {
                return index;
            }
        }
    }

    public void Release(uint index) => _live.TryRemove(index, out _);
}
