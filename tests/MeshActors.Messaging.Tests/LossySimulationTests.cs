using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Protocol.Routing;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

/// <summary>
/// Two whole bus cores exchanging frames through a lossy, duplicating, reordering channel: every message must
/// arrive intact, exactly once, and its sender must learn that it was delivered.
/// </summary>
public sealed class LossySimulationTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Messages_of_every_size_arrive_intact_exactly_once_despite_loss_duplication_and_reordering(int seed)
    {
        var random = new Random(seed);
        var settings = new MessageBusSettings();
        var channel = new LossyChannel(random, loss: 0.2, duplication: 0.1, maxDelay: TimeSpan.FromMilliseconds(300));
        var now = T0;
        var cores = new Dictionary<RouterId, MessageBusCore>
        {
            [Alice] = new(settings, new SequentialIds()),
            [Bob] = new(settings, new SequentialIds()),
        };
        var sinks = cores.Keys.ToDictionary(node => node, node => channel.SinkFrom(node, () => now));

        var sizes = new[] { 1, 0, 1_000_000, settings.MaxMessageSize, 5_000, 1094, 1095 };
        var expected = new List<(RouterId From, RouterId To, ulong Id, byte[] Payload, byte[] Topic)>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var (from, to) = i % 2 == 0 ? (Alice, Bob) : (Bob, Alice);
            var payload = Bytes(sizes[i], (seed * 100) + i);
            var topic = i % 3 == 0 ? Array.Empty<byte>() : new[] { (byte)i };
            var sent = cores[from].Outbound.Send(new SendRequest(to, payload) { Topic = topic }, now);
            Assert.True(sent.IsSuccess);
            expected.Add((from, to, sent.MessageId, payload, topic));
        }

        var received = new List<(RouterId To, ReceivedMessage Message)>();
        for (var step = 0; step < 20_000 && !AllDelivered(cores, expected); step++)
        {
            now += Tick;
            foreach (var (from, to, frame) in channel.Due(now).ToList())
            {
                cores[to].Receive(from, frame, now, sinks[to]);
            }

            foreach (var (node, core) in cores)
            {
                core.Poll(now, sinks[node]);
                while (core.Inbound.Pop(default, sinks[node]) is { } message)
                {
                    received.Add((node, message));
                }
            }
        }

        Assert.True(AllDelivered(cores, expected), $"not all delivered by {now - T0}");
        Assert.True(channel.Lost > 0 && channel.Duplicated > 0);

        // Late duplicates still in transit must not produce second deliveries.
        for (var step = 0; step < 100; step++)
        {
            now += Tick;
            foreach (var (from, to, frame) in channel.Due(now).ToList())
            {
                cores[to].Receive(from, frame, now, sinks[to]);
            }

            foreach (var (node, core) in cores)
            {
                core.Poll(now, sinks[node]);
                while (core.Inbound.Pop(default, sinks[node]) is { } message)
                {
                    received.Add((node, message));
                }
            }
        }

        Assert.Equal(expected.Count, received.Count);
        foreach (var (from, to, id, payload, topic) in expected)
        {
            var (_, message) = Assert.Single(received, r => r.To == to && r.Message.Sender == from && r.Message.Id == id);
            Assert.Equal(payload, message.Payload);
            Assert.Equal(topic, message.Topic);
        }
    }

    private static bool AllDelivered(Dictionary<RouterId, MessageBusCore> cores, List<(RouterId From, RouterId To, ulong Id, byte[] Payload, byte[] Topic)> expected) =>
        expected.All(e => cores[e.From].Outbound.GetStatus(e.Id)?.State is MessageState.Delivered or MessageState.Read);
}
