using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using MeshActors.Crypto;
using MeshActors.Crypto.Names;
using MeshActors.Node.Dns;
using MeshActors.Node.Names;
using MeshActors.Protocol.Names;
using MeshActors.Routing.Names;

namespace MeshActors.Node.Tests.Names;

public sealed class DnsAnswersTests : IDisposable
{
    private readonly NodeIdentity _alpha = NodeIdentity.Generate();
    private readonly NodeIdentity _beta = NodeIdentity.Generate();
    private readonly NameDirectory _directory;
    private readonly DnsAnswers _answers = new("mesh", TimeSpan.FromSeconds(30));

    public DnsAnswersTests()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var registry = new NameRegistry(NameRecordSigner.Verify, NameRegistrySettings.Default, now);
        registry.Offer(NameRecordSigner.Sign(_alpha, "alpha", now, now, 300, NameRecordFlags.Ipv4Auto, 0x0afa0102), now);
        registry.Offer(NameRecordSigner.Sign(_beta, "beta", now, now, 300, NameRecordFlags.None, 0), now);
        _directory = NameDirectory.Build(registry.Claims(), OverlayAddressing.DefaultPrefix);
    }

    public void Dispose()
    {
        _alpha.Dispose();
        _beta.Dispose();
    }

    private IPAddress AlphaIpv6 => OverlayAddressing.DeriveAddress(_alpha.Public, OverlayAddressing.DefaultPrefix);

    [Fact]
    public void Owned_names_answer_aaaa_and_a_when_an_ipv4_address_was_announced()
    {
        var aaaa = Ask("alpha.mesh", RecordType.Aaaa);
        Assert.Equal(ReturnCode.NoError, aaaa.ReturnCode);
        Assert.Equal(AlphaIpv6, Assert.IsType<AaaaRecord>(Assert.Single(aaaa.AnswerRecords)).Address);

        var a = Ask("ALPHA.mesh", RecordType.A);
        Assert.Equal(IPAddress.Parse("10.250.1.2"), Assert.IsType<ARecord>(Assert.Single(a.AnswerRecords)).Address);

        var noIpv4 = Ask("beta.mesh", RecordType.A);
        Assert.Equal(ReturnCode.NoError, noIpv4.ReturnCode);
        Assert.Empty(noIpv4.AnswerRecords);
    }

    [Fact]
    public void Unknown_names_are_nxdomain_and_foreign_zones_refused()
    {
        Assert.Equal(ReturnCode.NxDomain, Ask("gamma.mesh", RecordType.Aaaa).ReturnCode);
        Assert.Equal(ReturnCode.NxDomain, Ask(IPAddress.Parse("fd6d::1").GetReverseLookupDomain().ToString(), RecordType.Ptr).ReturnCode);
        Assert.Equal(ReturnCode.Refused, Ask("example.com", RecordType.A).ReturnCode);
        Assert.Equal(ReturnCode.Refused, Ask("a.b.mesh", RecordType.A).ReturnCode);
    }

    [Fact]
    public void Pointer_queries_name_the_owner_of_overlay_and_ipv4_addresses()
    {
        var ptr = Ask(AlphaIpv6.GetReverseLookupDomain().ToString(), RecordType.Ptr);
        Assert.Equal("alpha.mesh.", Assert.IsType<PtrRecord>(Assert.Single(ptr.AnswerRecords)).PointerDomainName.ToString());

        var ptr4 = Ask(IPAddress.Parse("10.250.1.2").GetReverseLookupDomain().ToString(), RecordType.Ptr);
        Assert.Equal("alpha.mesh.", Assert.IsType<PtrRecord>(Assert.Single(ptr4.AnswerRecords)).PointerDomainName.ToString());
    }

    private DnsMessage Ask(string name, RecordType type)
    {
        var query = new DnsMessage { IsQuery = true };
        query.Questions.Add(new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet));
        return _answers.Answer(query, _directory);
    }
}
