using System.Net;
using System.Text.Json;
using MeshActors.Messaging.Api;
using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

/// <summary>Bodies shaped like Mycelium's API documentation examples must read; ours must use its field names.</summary>
public sealed class MessageApiJsonTests
{
    private static readonly MessageBusSettings Settings = new();

    [Fact]
    public void Mycelium_push_body_with_ip_destination_deserializes_and_validates()
    {
        const string json = """{"dst":{"ip":"449:abcd:0123:defa::1"},"topic":"hpV+","payload":"xuV+"}""";
        var body = JsonSerializer.Deserialize(json, MessagesJsonContext.Default.PushMessageBody);

        Assert.Null(MessageApiValidation.ValidatePush(body, Settings, out var push));
        Assert.Equal(IPAddress.Parse("449:abcd:123:defa::1"), push!.Target.Address);
        Assert.Equal(Convert.FromBase64String("hpV+"), push.Topic);
        Assert.Equal(Convert.FromBase64String("xuV+"), push.Payload);
    }

    [Fact]
    public void Mycelium_push_body_with_pk_destination_and_no_topic_deserializes()
    {
        const string json = """{"dst":{"pk":"bb39b4a3a4efd70f3e05e37887677e02efbda14681d0acd3882bc0f754792c32"},"payload":"aGVsbG8="}""";
        var body = JsonSerializer.Deserialize(json, MessagesJsonContext.Default.PushMessageBody);

        Assert.Null(MessageApiValidation.ValidatePush(body, Settings, out var push));
        Assert.Equal("bb39b4a3a4efd70f3e05e37887677e02efbda14681d0acd3882bc0f754792c32", MessageApiValidation.FormatKey(push!.Target.Key!.Value));
        Assert.Empty(push.Topic);
        Assert.Equal("hello"u8.ToArray(), push.Payload);
    }

    [Theory]
    [InlineData("""{"payload":"aGk="}""", "dst")]
    [InlineData("""{"dst":{},"payload":"aGk="}""", "dst")]
    [InlineData("""{"dst":{"ip":"::1","pk":"00"},"payload":"aGk="}""", "dst")]
    [InlineData("""{"dst":{"ip":"10.0.0.1"},"payload":"aGk="}""", "dst.ip")]
    [InlineData("""{"dst":{"pk":"xyz"},"payload":"aGk="}""", "dst.pk")]
    [InlineData("""{"dst":{"ip":"::1"}}""", "payload")]
    public void Bad_push_bodies_name_the_field(string json, string field)
    {
        var body = JsonSerializer.Deserialize(json, MessagesJsonContext.Default.PushMessageBody);

        Assert.Equal(field, MessageApiValidation.ValidatePush(body, Settings, out _)!.Field);
    }

    [Fact]
    public void Oversized_payload_and_topic_are_refused_with_the_limit()
    {
        var settings = Settings with { MaxMessageSize = 4, MaxInboxBytes = 4, MaxReassemblyBytes = 4 };
        var tooBig = new PushMessageBody(new MessageDestinationDto("::1", null), null, new byte[5]);
        var error = MessageApiValidation.ValidatePush(tooBig, settings, out _)!;
        Assert.Equal("payload", error.Field);
        Assert.Contains(MessageBusSettings.Keys.MaxMessageSize, error.Problem);

        var longTopic = new PushMessageBody(new MessageDestinationDto("::1", null), new byte[256], new byte[1]);
        Assert.Equal("topic", MessageApiValidation.ValidatePush(longTopic, settings, out _)!.Field);
    }

    [Fact]
    public void Inbound_message_uses_mycelium_field_names_and_omits_an_empty_topic()
    {
        var message = new ReceivedMessage(Alice, 0x0123456789abcdef, [], "hi"u8.ToArray(), null, T0);
        var dto = MessageApiMapping.ToDto(message, IPAddress.Parse("449:abcd:123:defa::1"), Bob, IPAddress.Parse("34f:b680::1"));
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(dto, MessagesJsonContext.Default.InboundMessageDto));
        var root = json.RootElement;

        Assert.Equal(["id", "srcIp", "srcPk", "dstIp", "dstPk", "payload"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("0123456789abcdef", root.GetProperty("id").GetString());
        Assert.Equal(64, root.GetProperty("srcPk").GetString()!.Length);
        Assert.Equal("aGk=", root.GetProperty("payload").GetString());
    }

    [Fact]
    public void Status_uses_mycelium_field_names_and_state_shapes()
    {
        var sending = new MessageStatus(1, Bob, MessageState.Sending, AbortReason.None, T0, T0.AddMinutes(5), 27, 3, 3, 1);
        var json = JsonSerializer.Serialize(MessageApiMapping.ToDto(sending, IPAddress.Parse("449:abcd:123:defa::1")), MessagesJsonContext.Default.MessageStatusResponse);
        Assert.Equal(
            $$$"""{"dst":"449:abcd:123:defa::1","state":{"sending":{"pending":0,"sent":3,"acked":1}},"created":{{{T0.ToUnixTimeSeconds()}}},"deadline":{{{T0.AddMinutes(5).ToUnixTimeSeconds()}}},"msgLen":27}""",
            json);

        var expired = sending with { State = MessageState.Aborted, Reason = AbortReason.Expired };
        json = JsonSerializer.Serialize(MessageApiMapping.ToDto(expired, IPAddress.IPv6Loopback), MessagesJsonContext.Default.MessageStatusResponse);
        Assert.Contains("\"state\":\"aborted\"", json);
        Assert.Contains("\"abortReason\":\"expired\"", json);

        var delivered = sending with { State = MessageState.Delivered };
        json = JsonSerializer.Serialize(MessageApiMapping.ToDto(delivered, IPAddress.IPv6Loopback), MessagesJsonContext.Default.MessageStatusResponse);
        Assert.Contains("\"state\":\"received\"", json);
    }

    [Fact]
    public void Mycelium_status_body_deserializes_in_both_state_shapes()
    {
        var plain = JsonSerializer.Deserialize(
            """{"dst":"449:abcd:0123:defa::1","state":"received","created":1649512789,"deadline":1649513089,"msgLen":27}""",
            MessagesJsonContext.Default.MessageStatusResponse)!;
        Assert.Equal((TransmissionStateDto.Received, 27), (plain.State.Name, plain.MsgLen));

        var sending = JsonSerializer.Deserialize(
            """{"dst":"::1","state":{"sending":{"pending":5,"sent":17,"acked":3}},"created":1,"deadline":2,"msgLen":0}""",
            MessagesJsonContext.Default.MessageStatusResponse)!;
        Assert.Equal(new SendingProgressDto(5, 17, 3), sending.State.Sending);
    }

    [Fact]
    public void Push_response_id_is_sixteen_hex_digits()
    {
        var json = JsonSerializer.Serialize(new PushMessageResponseId(MessageApiValidation.FormatId(0xab)), MessagesJsonContext.Default.PushMessageResponseId);

        Assert.Equal("""{"id":"00000000000000ab"}""", json);
    }

    [Theory]
    [InlineData("abcdef0123456789", true)]
    [InlineData("ABCDEF0123456789", true)]
    [InlineData("abcdef012345678", false)]
    [InlineData("abcdef012345678g", false)]
    [InlineData(null, false)]
    public void Message_ids_parse_from_sixteen_hex_digits(string? hex, bool valid)
    {
        Assert.Equal(valid, MessageApiValidation.TryParseId(hex, out var id) is null);
        if (valid)
        {
            Assert.Equal(0xabcdef0123456789UL, id);
        }
    }

    [Fact]
    public void Query_parameters_parse_or_name_the_parameter()
    {
        Assert.Null(MessageApiValidation.TryParseReceiveQuery("true", "60", "ZXhhbXBsZS50b3BpYw==", out var query));
        Assert.Equal((true, TimeSpan.FromSeconds(60)), (query!.Peek, query.Timeout));
        Assert.Equal("example.topic"u8.ToArray(), query.TopicPrefix);

        Assert.Null(MessageApiValidation.TryParseReceiveQuery(null, null, null, out query));
        Assert.Equal((false, TimeSpan.Zero, 0), (query!.Peek, query.Timeout, query.TopicPrefix.Length));

        Assert.Equal("peek", MessageApiValidation.TryParseReceiveQuery("yes", null, null, out _)!.Field);
        Assert.Equal("timeout", MessageApiValidation.TryParseReceiveQuery(null, "-1", null, out _)!.Field);
        Assert.Equal("topic", MessageApiValidation.TryParseReceiveQuery(null, null, "***", out _)!.Field);
        Assert.Equal("reply_timeout", MessageApiValidation.TryParseReplyTimeout("abc", out _)!.Field);
        Assert.Null(MessageApiValidation.TryParseReplyTimeout("120", out var wait));
        Assert.Equal(TimeSpan.FromSeconds(120), wait);
        Assert.Null(MessageApiValidation.TryParseReplyTimeout(null, out wait));
        Assert.Null(wait);
    }
}
