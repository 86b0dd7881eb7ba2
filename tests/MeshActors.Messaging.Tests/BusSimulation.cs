using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Protocol.Routing;
using static MeshActors.Messaging.Tests.Nodes;

namespace MeshActors.Messaging.Tests;

/// <summary>
/// Alice and Bob's bus cores on a <see cref="LossyChannel"/>, stepped by a fixed tick the way the actor drives a core:
/// frames that arrived pass a bounded inlet (at most <see cref="InletCapacity"/> waiting, beyond it dropped and
/// counted, like the Node's BusInlet), at most <see cref="FramesPerStep"/> of them are handled per step (the actor's
/// speed), then each core flushes (acks out, chunks the acks let through) and polls; inboxes are emptied every step.
/// </summary>
internal sealed class BusSimulation
{
    private readonly LossyChannel _channel;
    private readonly TimeSpan _tick;
    private readonly Dictionary<RouterId, IBusFrameSink> _sinks;
    private readonly Dictionary<RouterId, Queue<(RouterId From, byte[] Frame)>> _inlets;

    public BusSimulation(LossyChannel channel, TimeSpan tick, MessageBusSettings alice, MessageBusSettings? bob = null)
    {
        _channel = channel;
        _tick = tick;
        Cores = new Dictionary<RouterId, MessageBusCore>
        {
            [Alice] = new(alice, new SequentialIds()),
            [Bob] = new(bob ?? alice, new SequentialIds()),
        };
        _sinks = Cores.Keys.ToDictionary(node => node, node => channel.SinkFrom(node, () => Now));
        _inlets = Cores.Keys.ToDictionary(node => node, _ => new Queue<(RouterId, byte[])>());
    }

    public DateTimeOffset Now { get; private set; } = T0;

    public Dictionary<RouterId, MessageBusCore> Cores { get; }

    public int InletCapacity { get; init; } = MessageBusSettings.ReceiverInletFrames;

    public int FramesPerStep { get; init; } = int.MaxValue;

    /// <summary>Frames dropped because a receiver's inlet was full.</summary>
    public long InletDrops { get; private set; }

    /// <summary>Most frames ever waiting in one inlet.</summary>
    public int InletPeak { get; private set; }

    public List<(RouterId To, ReceivedMessage Message)> Received { get; } = [];

    public ulong Send(RouterId from, RouterId to, byte[] payload, byte[]? topic = null)
    {
        var sent = Cores[from].Outbound.Send(new SendRequest(to, payload) { Topic = topic ?? [] }, Now);
        Assert.True(sent.IsSuccess, sent.Error.ToString());
        Cores[from].Poll(Now, _sinks[from]);
        return sent.MessageId;
    }

    public void Step()
    {
        Now += _tick;
        foreach (var (from, to, frame) in _channel.Due(Now))
        {
            var inlet = _inlets[to];
            if (inlet.Count >= InletCapacity)
            {
                InletDrops++;
                continue;
            }

            inlet.Enqueue((from, frame));
            InletPeak = Math.Max(InletPeak, inlet.Count);
        }

        foreach (var (node, core) in Cores)
        {
            var inlet = _inlets[node];
            for (var handled = 0; handled < FramesPerStep && inlet.TryDequeue(out var arrived); handled++)
            {
                core.Receive(arrived.From, arrived.Frame, Now, _sinks[node]);
            }

            core.Flush(Now, _sinks[node]);
            core.Poll(Now, _sinks[node]);
            while (core.Inbound.Pop(default, _sinks[node]) is { } message)
            {
                Received.Add((node, message));
            }
        }
    }

    /// <summary>Steps until every listed message finished at its sender (or <paramref name="maxSteps"/>); true when all did.</summary>
    public bool RunUntilFinished(IEnumerable<(RouterId From, ulong Id)> messages, int maxSteps)
    {
        var pending = messages.ToList();
        for (var step = 0; step < maxSteps; step++)
        {
            pending.RemoveAll(m => Cores[m.From].Outbound.GetStatus(m.Id)?.State is MessageState.Delivered or MessageState.Read or MessageState.Aborted);
            if (pending.Count == 0)
            {
                return true;
            }

            Step();
        }

        return false;
    }
}
