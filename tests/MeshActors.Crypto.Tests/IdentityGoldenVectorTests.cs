using MeshActors.Crypto;
using MeshActors.Protocol;
using NSec.Cryptography;

namespace MeshActors.Crypto.Tests;

/// <summary>
/// Fixed seed → fixed keys → fixed address. If one of these changes, every deployed node's address changes:
/// that needs a new derivation version, never an edited vector.
/// </summary>
public class IdentityGoldenVectorTests
{
    private static readonly byte[] CountingSeed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Rfc8032_test1_seed_gives_the_published_ed25519_public_key()
    {
        var seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        using var identity = NodeIdentity.FromSeed(seed);
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", identity.Public.ToString());
    }

    [Fact]
    public void Counting_seed_gives_fixed_keys_and_address()
    {
        using var identity = NodeIdentity.FromSeed(CountingSeed);

        Assert.Equal("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8", identity.Public.ToString());
        Assert.Equal(
            "4701d08488451f545a409fb58ae3e58581ca40ac3f7f114698cd71deac73ca01",
            Convert.ToHexStringLower(identity.AgreementKey.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        Assert.Equal(
            "fd6d:754c:e370:19b3:372f:8c90:7018:45f7",
            OverlayAddressing.DeriveAddress(identity.Public, OverlayAddressing.DefaultPrefix).ToString());
        Assert.Equal(
            "fd6d:754c:e370:19b3::/64",
            OverlayAddressing.DeriveSubnet(identity.Public, OverlayAddressing.DefaultPrefix).ToString());
    }

    [Fact]
    public void Address_under_a_shorter_prefix_keeps_prefix_bits_and_fills_the_rest_from_the_hash()
    {
        using var identity = NodeIdentity.FromSeed(CountingSeed);
        var address = OverlayAddressing.DeriveAddress(identity.Public, IpPrefix.Parse("fd00::/8"));

        Assert.Equal("fd75:4ce3:7019:b337:2f8c:9070:1845:f793", address.ToString());
        Assert.True(IpPrefix.Parse("fd00::/8").Contains(address));
    }
}
