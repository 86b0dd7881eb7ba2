using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshActors.Protocol.Routing;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

/// <summary>
/// Whatever the channel does (loss, duplication, reordering) and however small the send window, every message
/// arrives exactly once, intact, and its sender learns it was delivered.
/// </summary>
public sealed class ExactlyOnceProperties
{
    /// <summary>One random case: channel behaviour, window settings and a handful of messages in both directions.</summary>
    public sealed record Scenario(
        double Loss, double Duplication, int MaxDelayMs, int InitialWindow, int MaxWindow, int Seed, (bool FromAlice, int Length, byte Topic)[] Messages)
    {
        public override string ToString() =>
            $"loss {Loss:0.00}, dup {Duplication:0.00}, delay ≤ {MaxDelayMs} ms, window {InitialWindow}…{MaxWindow}, seed {Seed}, " +
            $"messages [{string.Join(", ", Messages.Select(m => $"{(m.FromAlice ? "A→B" : "B→A")} {m.Length} B"))}]";
    }

    public static class Scenarios
    {
        /// <summary>Direction, length (mostly one to three chunks, sometimes up to 55), topic length.</summary>
        private static readonly Gen<(bool FromAlice, int Length, byte Topic)> Message =
            from fromAlice in Gen.Elements(true, false)
            from length in Gen.OneOf(Gen.Choose(0, 3000), Gen.Choose(3000, 60_000))
            from topic in Gen.Choose(0, 3)
            select (fromAlice, length, (byte)topic);

        public static Arbitrary<Scenario> Arbitrary() =>
            (from loss in Gen.Choose(0, 30)
             from duplication in Gen.Choose(0, 30)
             from delay in Gen.Choose(0, 400)
             from maxWindow in Gen.Choose(1, 256)
             from initialWindow in Gen.Choose(1, maxWindow)
             from seed in Gen.Choose(0, int.MaxValue - 1)
             from messages in Gen.ArrayOf(Message).Where(m => m.Length is > 0 and <= 12)
             select new Scenario(loss / 100.0, duplication / 100.0, delay, initialWindow, maxWindow, seed, messages))
            .ToArbitrary();
    }

    [Property(MaxTest = 40, Arbitrary = [typeof(Scenarios)])]
    public void Loss_reordering_and_duplication_still_deliver_every_message_exactly_once_intact(Scenario scenario)
    {
        var settings = new MessageBusSettings { InitialSendWindow = scenario.InitialWindow, MaxSendWindow = scenario.MaxWindow };
        var channel = new LossyChannel(new Random(scenario.Seed), scenario.Loss, scenario.Duplication, TimeSpan.FromMilliseconds(scenario.MaxDelayMs));
        var simulation = new BusSimulation(channel, TimeSpan.FromMilliseconds(20), settings);

        var sent = new List<(RouterId From, RouterId To, ulong Id, byte[] Payload, byte[] Topic)>();
        for (var i = 0; i < scenario.Messages.Length; i++)
        {
            var (fromAlice, length, topicLength) = scenario.Messages[i];
            var (from, to) = fromAlice ? (Alice, Bob) : (Bob, Alice);
            var payload = Bytes(length, scenario.Seed ^ i);
            var topic = Bytes(topicLength, i);
            sent.Add((from, to, simulation.Send(from, to, payload, topic), payload, topic));
        }

        // Deadlines are the default 5 minutes: 15,000 steps of 20 ms.
        Assert.True(simulation.RunUntilFinished(sent.Select(s => (s.From, s.Id)), 15_000), $"not finished: {scenario}");
        Assert.All(sent, s => Assert.NotEqual(Sending.MessageState.Aborted, simulation.Cores[s.From].Outbound.GetStatus(s.Id)!.State));

        // Let late duplicates and retransmits still in transit arrive: they must not be delivered again.
        for (var step = 0; step < 50; step++)
        {
            simulation.Step();
        }

        Assert.Equal(sent.Count, simulation.Received.Count);
        foreach (var (from, to, id, payload, topic) in sent)
        {
            var (_, message) = Assert.Single(simulation.Received, r => r.To == to && r.Message.Sender == from && r.Message.Id == id);
            Assert.Equal(payload, message.Payload);
            Assert.Equal(topic, message.Topic);
        }
    }
}
