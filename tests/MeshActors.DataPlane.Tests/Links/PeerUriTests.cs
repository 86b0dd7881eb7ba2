using MeshActors.Protocol.Addressing;
using MeshActors.Crypto;
using MeshActors.DataPlane.Transports;

namespace MeshActors.DataPlane.Tests.Links;

public sealed class PeerUriTests
{
    [Theory]
    [InlineData("tcp://10.0.0.1:9651", TransportKind.Tcp, "10.0.0.1", 9651)]
    [InlineData("udp://[fd6d::1]:9651", TransportKind.Udp, "fd6d::1", 9651)]
    [InlineData("quic://node.example:443", TransportKind.Quic, "node.example", 443)]
    public void Parses_scheme_host_and_port(string text, TransportKind scheme, string host, int port)
    {
        var uri = PeerUri.Parse(text);

        Assert.Equal(scheme, uri.Scheme);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.Null(uri.Pinned);
        Assert.Equal(text, uri.ToString());
    }

    [Fact]
    public void Parses_a_pinned_identity()
    {
        using var identity = NodeIdentity.Generate();
        var text = $"{identity.Public}@tcp://127.0.0.1:1";

        var uri = PeerUri.Parse(text);

        Assert.Equal(identity.Public, uri.Pinned);
        Assert.Equal(text, uri.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tcp://host")]
    [InlineData("http://host:80")]
    [InlineData("abcd@tcp://host:1")]
    [InlineData("tcp://host:1/path")]
    public void Refuses_malformed_addresses(string text)
    {
        Assert.False(PeerUri.TryParse(text, out _, out var problem));
        Assert.NotEmpty(problem);
    }
}
