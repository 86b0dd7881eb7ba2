using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace MeshActors.Node.Tests.Messaging;

/// <summary>Three whole nodes on loopback in a line, A → B ← C: every message from A to C is relayed by B.</summary>
public sealed class LineFixture : IAsyncLifetime
{
    public BusTestNode A { get; private set; } = null!;

    public BusTestNode B { get; private set; } = null!;

    public BusTestNode C { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        B = await BusTestNode.StartAsync();
        A = await BusTestNode.StartAsync([B]);
        C = await BusTestNode.StartAsync([B]);
        await A.WaitForRouteAsync(C);
        await C.WaitForRouteAsync(A);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await C.DisposeAsync();
        await B.DisposeAsync();
    }
}

[Collection(nameof(LineCollection))]
public sealed class MessageBusTests(LineFixture line)
{
    [Fact]
    public async Task Messages_of_one_byte_one_megabyte_and_the_maximum_arrive_intact_exactly_once_over_a_relay()
    {
        var sizes = new[] { 1, 1_000_000, BusTestNode.FastBus.MaxMessageSize };
        var payloads = sizes.Select(size => RandomPayload(size)).ToList();
        var ids = new List<string>();
        for (var i = 0; i < payloads.Count; i++)
        {
            // Alternate destination forms: by key, by overlay address.
            object dst = i % 2 == 0 ? new { pk = line.C.Key } : new { ip = line.C.Address.ToString() };
            ids.Add(await line.A.SendOkAsync(dst, payloads[i], Encoding.UTF8.GetBytes("sizes")));
        }

        var received = new List<JsonObject>();
        for (var i = 0; i < payloads.Count; i++)
        {
            received.Add(await line.C.ReceiveAsync(20, "&topic=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("sizes"))) ?? throw new Xunit.Sdk.XunitException($"message {i} did not arrive"));
        }

        Assert.Null(await line.C.ReceiveAsync(1, "&topic=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("sizes"))));
        var byId = received.ToDictionary(m => m["id"]!.GetValue<string>());
        for (var i = 0; i < payloads.Count; i++)
        {
            var message = byId[ids[i]];
            Assert.Equal(payloads[i], Convert.FromBase64String(message["payload"]!.GetValue<string>()));
            Assert.Equal(line.A.Key, message["srcPk"]!.GetValue<string>());
            Assert.Equal(line.A.Address.ToString(), message["srcIp"]!.GetValue<string>());
        }

        foreach (var id in ids)
        {
            await Eventually(async () => (await line.A.StatusAsync(id))["state"]!.ToJsonString() == "\"read\"", "status read");
        }
    }

    [Fact]
    public async Task A_reply_reaches_the_sender_waiting_on_reply_timeout()
    {
        var topic = Encoding.UTF8.GetBytes("ping");
        var ask = line.A.SendAsync(new { pk = line.C.Key }, Encoding.UTF8.GetBytes("ping?"), topic, "?reply_timeout=15");

        var question = await line.C.ReceiveAsync(15, "&topic=" + Convert.ToBase64String(topic));
        Assert.NotNull(question);
        using var reply = await line.C.Http.PostAsJsonAsync(
            $"/api/v1/messages/reply/{question["id"]!.GetValue<string>()}",
            new { dst = new { pk = line.A.Key }, payload = Encoding.UTF8.GetBytes("pong") });
        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);

        using var answer = await ask;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("pong", Encoding.UTF8.GetString(Convert.FromBase64String(body["payload"]!.GetValue<string>())));
        Assert.Equal(line.C.Key, body["srcPk"]!.GetValue<string>());
    }

    [Fact]
    public async Task Receive_filters_by_topic_prefix_and_peek_leaves_the_message()
    {
        await line.C.SendOkAsync(new { pk = line.A.Key }, [1], Encoding.UTF8.GetBytes("topic-x"));
        await line.C.SendOkAsync(new { pk = line.A.Key }, [2], Encoding.UTF8.GetBytes("topic-y"));
        var y = "&topic=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("topic-y"));
        var x = "&topic=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("topic-x"));

        var peeked = await line.A.ReceiveAsync(10, y + "&peek=true");
        var taken = await line.A.ReceiveAsync(10, y);
        var takenX = await line.A.ReceiveAsync(10, x);

        Assert.Equal([2], Convert.FromBase64String(peeked!["payload"]!.GetValue<string>()));
        Assert.Equal(peeked["id"]!.GetValue<string>(), taken!["id"]!.GetValue<string>());
        Assert.Equal([1], Convert.FromBase64String(takenX!["payload"]!.GetValue<string>()));
        Assert.Null(await line.A.ReceiveAsync(0, y));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_problem_naming_the_field()
    {
        var http = line.A.Http;
        async Task Expect(HttpStatusCode code, string field, Task<HttpResponseMessage> call)
        {
            using var response = await call;
            Assert.Equal(code, response.StatusCode);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.Contains(field, problem);
        }

        await Expect(HttpStatusCode.BadRequest, "malformed JSON", http.PostAsync("/api/v1/messages", new StringContent("{\"dst\": ", Encoding.UTF8, "application/json")));
        await Expect(HttpStatusCode.BadRequest, "payload", http.PostAsync("/api/v1/messages", new StringContent($"{{\"dst\":{{\"pk\":\"{line.C.Key}\"}},\"payload\":\"%%not base64\"}}", Encoding.UTF8, "application/json")));
        await Expect(HttpStatusCode.NotFound, "dst.ip", line.A.SendAsync(new { ip = "fd6d::1" }, [1]));
        await Expect(HttpStatusCode.BadRequest, "dst.pk", line.A.SendAsync(new { pk = "12" }, [1]));
        await Expect(HttpStatusCode.BadRequest, "dst", line.A.SendAsync(new { }, [1]));
        await Expect(HttpStatusCode.RequestEntityTooLarge, "payload", line.A.SendAsync(new { pk = line.C.Key }, new byte[BusTestNode.FastBus.MaxMessageSize + 1]));
        var (status, problem) = await RawHttp.PostHeadersOnlyAsync(line.A.Runtime.ApiEndPoint, "/api/v1/messages", contentLength: BusTestNode.FastBus.MaxMessageSize * 3L);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("body", problem);
        await Expect(HttpStatusCode.BadRequest, "reply_timeout", line.A.SendAsync(new { pk = line.C.Key }, [1], query: "?reply_timeout=-1"));
        await Expect(HttpStatusCode.BadRequest, "timeout", http.GetAsync("/api/v1/messages?timeout=soon"));
        await Expect(HttpStatusCode.BadRequest, "id", http.GetAsync("/api/v1/messages/status/xyz"));
        await Expect(HttpStatusCode.NotFound, "id", http.GetAsync("/api/v1/messages/status/0123456789abcdef"));
        await Expect(HttpStatusCode.BadRequest, "id", http.PostAsJsonAsync("/api/v1/messages/reply/nope", new { dst = new { pk = line.C.Key }, payload = new byte[1] }));
    }

    internal static byte[] RandomPayload(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    internal static async Task Eventually(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} not reached within {seconds} s");
            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(nameof(LineCollection))]
public sealed class LineCollection : ICollectionFixture<LineFixture>;
