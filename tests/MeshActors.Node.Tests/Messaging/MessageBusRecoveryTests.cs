using System.Net;
using System.Text.Json.Nodes;

namespace MeshActors.Node.Tests.Messaging;

public sealed class MessageBusRecoveryTests
{
    [Fact]
    public async Task A_message_to_an_unreachable_key_is_aborted_at_its_deadline_and_the_status_says_expired()
    {
        // Long enough that the status asked right after the send is still pending on a loaded machine.
        var bus = BusTestNode.FastBus with { DefaultDeadline = TimeSpan.FromSeconds(5) };
        await using var lonely = await BusTestNode.StartAsync(bus: bus);
        using var stranger = Crypto.NodeIdentity.Generate();

        var id = await lonely.SendOkAsync(new { pk = stranger.Public.ToString() }, [42]);
        var pending = await lonely.StatusAsync(id);
        await MessageBusTests.Eventually(async () => (await lonely.StatusAsync(id))["state"]!.ToJsonString() == "\"aborted\"", "aborted", 60);
        var status = await lonely.StatusAsync(id);

        Assert.NotEqual("\"aborted\"", pending["state"]!.ToJsonString());
        Assert.Equal("expired", status["abortReason"]!.GetValue<string>());
        Assert.Equal(1, status["msgLen"]!.GetValue<int>());
        Assert.True(status["deadline"]!.GetValue<long>() - status["created"]!.GetValue<long>() is >= 4 and <= 6);
    }

    [Fact]
    public async Task A_one_megabyte_message_survives_cutting_its_link_when_a_second_path_exists()
    {
        // Ring: A → B, C → B, A → C. A reaches C directly; cutting A–C leaves A → B → C.
        await using var b = await BusTestNode.StartAsync();
        await using var c = await BusTestNode.StartAsync([b]);
        await using var a = await BusTestNode.StartAsync([b, c]);
        await a.WaitForRouteAsync(c);
        await c.WaitForRouteAsync(a);
        await a.WaitForRouteAsync(b);
        await b.WaitForRouteAsync(c);

        var payload = MessageBusTests.RandomPayload(1_000_000);
        var id = await a.SendOkAsync(new { pk = c.Key }, payload);
        using (var cut = await a.Http.DeleteAsync($"/api/v1/admin/peers/{Uri.EscapeDataString(c.TcpUri)}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, cut.StatusCode);
        }

        var message = await c.ReceiveAsync(30);
        Assert.NotNull(message);
        Assert.Equal(id, message["id"]!.GetValue<string>());
        Assert.Equal(payload, Convert.FromBase64String(message["payload"]!.GetValue<string>()));
        Assert.Null(await c.ReceiveAsync(1));
    }
}
