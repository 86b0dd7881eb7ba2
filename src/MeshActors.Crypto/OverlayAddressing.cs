using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MeshActors.Protocol;

namespace MeshActors.Crypto;

/// <summary>
/// Derives a node's overlay IPv6 address and /64 subnet from its public identity:
/// <c>h = SHA-256("meshactors/address/v1" ‖ publicKey)</c>; the address is the overlay prefix's bits followed by
/// the leading bits of <c>h</c> up to 128 bits; the subnet is that address's first 64 bits.
/// Anyone holding the public key can recompute and so verify both, which is what binds a /64 to its owner.
/// </summary>
public static class OverlayAddressing
{
    /// <summary>
    /// Default overlay prefix. Inside the Unique Local range fd00::/8 (RFC 4193: never routed on the Internet,
    /// unlike the unallocated 200::/7 and 400::/7 that Yggdrasil and Mycelium squat on), fixed to one /16 so the
    /// single route the TUN device installs captures overlay traffic only, and leaves 48 hash bits per /64
    /// (a 50 % chance of one subnet collision needs about 16 million nodes).
    /// </summary>
    public static readonly IpPrefix DefaultPrefix = IpPrefix.Parse("fd6d::/16");

    /// <summary>Shortest accepted prefix length: fd00::/8 (120 hash bits).</summary>
    public const int MinPrefixLength = 8;

    /// <summary>Longest accepted prefix length: at least 16 hash bits must remain in the /64.</summary>
    public const int MaxPrefixLength = 48;

    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("meshactors/address/v1");

    public static bool IsValidOverlayPrefix(IpPrefix prefix, out string problem)
    {
        problem = "";
        if (prefix.Family != AddressFamily.InterNetworkV6)
        {
            problem = "must be an IPv6 prefix";
        }
        else if (prefix.Length is < MinPrefixLength or > MaxPrefixLength)
        {
            problem = $"length must be {MinPrefixLength}..{MaxPrefixLength}, got {prefix.Length}";
        }

        return problem.Length == 0;
    }

    public static IPAddress DeriveAddress(PublicIdentity identity, IpPrefix overlayPrefix)
    {
        if (!IsValidOverlayPrefix(overlayPrefix, out var problem))
        {
            throw new ArgumentException($"overlay prefix {overlayPrefix}: {problem}", nameof(overlayPrefix));
        }

        Span<byte> input = stackalloc byte[Domain.Length + PublicIdentity.Size];
        Domain.CopyTo(input);
        identity.Bytes.CopyTo(input[Domain.Length..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);

        Span<byte> address = stackalloc byte[16];
        overlayPrefix.Network.TryWriteBytes(address, out _);
        for (var bit = overlayPrefix.Length; bit < 128; bit++)
        {
            var hashBit = bit - overlayPrefix.Length;
            if ((hash[hashBit / 8] & (0x80 >> (hashBit % 8))) != 0)
            {
                address[bit / 8] |= (byte)(0x80 >> (bit % 8));
            }
        }

        return new IPAddress(address);
    }

    public static IpPrefix DeriveSubnet(PublicIdentity identity, IpPrefix overlayPrefix) =>
        IpPrefix.Create(DeriveAddress(identity, overlayPrefix), 64);

    /// <summary>True when <paramref name="subnet"/> is exactly the /64 that <paramref name="identity"/> owns.</summary>
    public static bool OwnsSubnet(PublicIdentity identity, IpPrefix overlayPrefix, IpPrefix subnet) =>
        subnet == DeriveSubnet(identity, overlayPrefix);
}
