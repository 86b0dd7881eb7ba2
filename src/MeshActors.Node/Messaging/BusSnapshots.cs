using Akka.Actor;
using Akka.Event;
using MeshActors.Messaging;
using MeshActors.Messaging.Persistence;
using MeshActors.Node.State;

namespace MeshActors.Node.Messaging;

/// <summary>
/// The MessageBus actor's durable state: restores the bus from its snapshot at start, saves it on change at the
/// bounded rate of <see cref="SaveSchedule"/>, and holds back what must not be promised before it is on disk: the
/// answer to an accepted send, a message taken from the inbox, and (through
/// <see cref="MeshActors.Messaging.Receiving.InboundMessages.HoldCompletionAcks"/>) the ack that tells a sender its
/// message is delivered. Each save releases them. Used only from the actor's thread.
/// </summary>
internal sealed class BusSnapshots(SectionStore<BusState> section, TimeSpan writeInterval, ILoggingAdapter log)
{
    private readonly SaveSchedule _schedule = new(writeInterval);
    private readonly List<(IActorRef To, object Answer)> _afterSave = [];

    public DateTimeOffset? DueAt => _schedule.DueAt;

    public void Restore(MessageBusCore core, DateTimeOffset now)
    {
        core.Inbound.HoldCompletionAcks = true;
        if (section.Load(log) is { } state)
        {
            log.Info("restored the message bus: {0}", core.Restore(state, now));

            // Save at once what was left out (expired, invalid), so the file matches the bus again.
            _schedule.MarkChanged();
        }
    }

    public void Changed() => _schedule.MarkChanged();

    /// <summary>Tells <paramref name="to"/> <paramref name="answer"/> once the state that answer promises is saved.</summary>
    public void AnswerAfterSave(IActorRef to, object answer)
    {
        _afterSave.Add((to, answer));
        _schedule.MarkChanged();
    }

    public void SaveIfDue(MessageBusCore core, DateTimeOffset now, IBusFrameSink sink)
    {
        if (_schedule.IsDue(now))
        {
            Save(core, now, sink);
        }
    }

    /// <summary>Saves now when anything changed (the actor stops: the last save).</summary>
    public void SaveIfChanged(MessageBusCore core, DateTimeOffset now, IBusFrameSink sink)
    {
        if (_schedule.Changed || core.Inbound.HasUnsaved)
        {
            Save(core, now, sink);
        }
    }

    private void Save(MessageBusCore core, DateTimeOffset now, IBusFrameSink sink)
    {
        // A failed save is logged by the section; what it held back is released all the same, so a broken disk costs
        // durability, not the bus.
        section.TrySave(core.Capture(), log);
        _schedule.Saved(now);
        core.Inbound.ReleaseSaved();
        core.Inbound.FlushAcks(sink);
        foreach (var (to, answer) in _afterSave)
        {
            to.Tell(answer);
        }

        _afterSave.Clear();
    }
}
