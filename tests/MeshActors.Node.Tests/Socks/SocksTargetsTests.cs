using System.Net;
using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.Node.Names;
using MeshActors.Node.Socks;
using MeshActors.Protocol.Names;
using MeshActors.Protocol.Socks;
using MeshActors.Routing.Names;

namespace MeshActors.Node.Tests.Socks;

public sealed class SocksTargetsTests : IDisposable
{
    private readonly NodeIdentity _charlie = NodeIdentity.Generate();
    private readonly List<string> _asked = [];
    private readonly SocksTargets _targets;

    public SocksTargetsTests()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var registry = new NameRegistry(NameRecordSigner.Verify, NameRegistrySettings.Default, now);
        registry.Offer(NameRecordSigner.Sign(_charlie, "c", now, now, 300, NameRecordFlags.None, 0), now);
        var names = new NameDirectoryHolder { Current = NameDirectory.Build(registry.Claims(), OverlayAddressing.DefaultPrefix) };
        _targets = new SocksTargets(names, "mesh", (host, _) =>
        {
            _asked.Add(host);
            return host == "example.org" ? Task.FromResult(new[] { IPAddress.Parse("192.0.2.1") }) : throw new SocketException((int)SocketError.HostNotFound);
        });
    }

    public void Dispose() => _charlie.Dispose();

    private IPAddress Charlie => OverlayAddressing.DeriveAddress(_charlie.Public, OverlayAddressing.DefaultPrefix);

    private Task<(IPAddress[] Addresses, SocksRefusal? Refusal)> Resolve(string host) =>
        _targets.ResolveAsync(new Socks5Request(SocksCommand.Connect, null, host, 80), CancellationToken.None);

    [Theory]
    [InlineData("c.mesh")]
    [InlineData("C.MESH")]
    [InlineData("c.mesh.")]
    public async Task A_mesh_name_resolves_from_the_name_records_to_the_owners_overlay_address_without_dns(string host)
    {
        var (addresses, refusal) = await Resolve(host);
        Assert.Equal([Charlie], addresses);
        Assert.Null(refusal);
        Assert.Empty(_asked);
    }

    [Theory]
    [InlineData("b.mesh")]
    [InlineData("x.c.mesh")]
    [InlineData("mesh")]
    public async Task A_name_in_the_mesh_domain_nobody_owns_is_unknown_and_never_asked_of_dns(string host)
    {
        var (addresses, refusal) = await Resolve(host);
        Assert.Empty(addresses);
        Assert.Equal(SocksRefusal.UnknownName, refusal);
        Assert.Empty(_asked);
    }

    [Fact]
    public async Task Other_names_go_to_the_system_resolver_and_literals_and_addresses_are_used_as_given()
    {
        Assert.Equal([IPAddress.Parse("192.0.2.1")], (await Resolve("example.org")).Addresses);
        Assert.Equal(SocksRefusal.ResolveFailed, (await Resolve("nowhere.example")).Refusal);
        Assert.Equal(["example.org", "nowhere.example"], _asked);

        Assert.Equal([Charlie], (await Resolve(Charlie.ToString())).Addresses);
        var byAddress = await _targets.ResolveAsync(new Socks5Request(SocksCommand.Connect, Charlie, null, 80), CancellationToken.None);
        Assert.Equal([Charlie], byAddress.Addresses);
        Assert.Equal(2, _asked.Count);
    }
}
