using System.Security.Cryptography;
using FsCheck.Xunit;
using MeshActors.Crypto;
using MeshActors.Protocol;
using NSec.Cryptography;

namespace MeshActors.Crypto.Tests;

public class IdentityTests
{
    [Property(MaxTest = 50)]
    public bool Converted_public_key_matches_the_x25519_key_derived_from_the_seed(byte[] entropy)
    {
        var seed = SHA256.HashData(entropy);
        using var identity = NodeIdentity.FromSeed(seed);
        var converted = new byte[32];
        identity.Public.WriteX25519PublicKey(converted);
        return converted.AsSpan().SequenceEqual(identity.AgreementKey.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    [Fact]
    public void Two_nodes_agree_on_the_same_secret_through_converted_identities()
    {
        using var alice = NodeIdentity.Generate();
        using var bob = NodeIdentity.Generate();
        var creation = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

        using var fromAlice = KeyAgreementAlgorithm.X25519.Agree(alice.AgreementKey, bob.Public.ToX25519PublicKey(), in creation);
        using var fromBob = KeyAgreementAlgorithm.X25519.Agree(bob.AgreementKey, alice.Public.ToX25519PublicKey(), in creation);

        Assert.NotNull(fromAlice);
        Assert.Equal(
            KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(fromAlice, [], [], 32),
            KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(fromBob!, [], [], 32));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("zz07edc2d5ad7a5d33c4fe2a4d53ebb1a6d0f6d9b6b46ebe5cd9b49cc3c7f1d2")]
    [InlineData("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8ff")]
    public void Malformed_hex_is_not_an_identity(string hex) => Assert.False(PublicIdentity.TryParse(hex, out _));

    [Fact]
    public void Hex_round_trips_and_ignores_case()
    {
        using var identity = NodeIdentity.Generate();
        Assert.True(PublicIdentity.TryParse(identity.Public.ToString().ToUpperInvariant(), out var parsed));
        Assert.Equal(identity.Public, parsed);
    }

    [Fact]
    public void Secret_identity_never_prints_secret_material()
    {
        using var identity = NodeIdentity.Generate();
        Assert.Contains("redacted", identity.ToString());
        Assert.Contains(identity.Public.ToString(), identity.ToString());
    }

    [Fact]
    public void Ownership_check_accepts_own_subnet_and_refuses_another_nodes()
    {
        using var alice = NodeIdentity.Generate();
        using var bob = NodeIdentity.Generate();
        var prefix = OverlayAddressing.DefaultPrefix;

        Assert.True(OverlayAddressing.OwnsSubnet(alice.Public, prefix, OverlayAddressing.DeriveSubnet(alice.Public, prefix)));
        Assert.False(OverlayAddressing.OwnsSubnet(alice.Public, prefix, OverlayAddressing.DeriveSubnet(bob.Public, prefix)));
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("fd00::/7")]
    [InlineData("fd6d:1:2::/49")]
    public void Unusable_overlay_prefixes_are_refused(string prefix) =>
        Assert.False(OverlayAddressing.IsValidOverlayPrefix(IpPrefix.Parse(prefix), out _));
}
