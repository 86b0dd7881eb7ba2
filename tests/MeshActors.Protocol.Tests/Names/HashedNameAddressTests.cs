using MeshActors.Protocol.Names;

namespace MeshActors.Protocol.Tests.Names;

public sealed class HashedNameAddressTests
{
    /// <summary>Smolmesh2's own unit test of its round function (raw_speck.rs, ernd(1, 2, 3)).</summary>
    [Fact]
    public void Round_matches_smolmesh2s_round_vector()
    {
        Assert.Equal((72057594037927937UL, 72057594037927953UL), HashedNameAddress.Round(1, 2, 3));
    }

    /// <summary>Vectors computed by a separate Python transcription of smolmesh2's name-to-ipv6 algorithm.</summary>
    [Theory]
    [InlineData("a", "fd00:8f2a:b31a:b94c:9028:2141:8535:ada4")]
    [InlineData("alice", "fd00:95ed:8a27:5320:3e4b:7be2:478d:404d")]
    [InlineData("node-1", "fd00:e821:a0c1:eac8:a454:38d0:9297:28f")]
    public void Matches_independent_vectors(string name, string expected)
    {
        Assert.Equal(System.Net.IPAddress.Parse(expected), HashedNameAddress.For(name));
    }
}
