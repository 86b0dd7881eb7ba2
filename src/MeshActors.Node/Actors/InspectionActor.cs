using Akka.Actor;
using Akka.Event;
using Akka.Hosting;

namespace MeshActors.Node.Actors;

/// <summary>
/// Answers <see cref="GetActorTree"/> for <c>ctl actors</c>: walks the guardian's live children (each local actor
/// reference carries its cell: props type and mailbox size, read without messaging the actor, so a stuck actor still
/// shows up with its growing mailbox) and adds failure counts gathered from the event stream: a supervisor publishes
/// one <see cref="Error"/> per child failure with the child's path as log source. The guardian is found in the
/// Akka.Hosting registry, where the node's wiring puts it once it is created.
/// </summary>
public sealed class InspectionActor : ReceiveActor
{
    public const string Name = "inspection";

    /// <summary>Distinct actor paths whose failures are counted: links come and go, so the table is bounded.</summary>
    private const int MaxTrackedPaths = 4096;

    private const string UserRoot = "/user/";

    private readonly Dictionary<string, int> _failures = [];
    private IActorRef? _guardian;

    public InspectionActor()
    {
        Receive<GuardianFound>(found => _guardian = found.Guardian);
        Receive<Error>(OnError);
        Receive<GetActorTree>(_ => Sender.Tell(new ActorTree(_guardian is null ? [] : Walk(_guardian))));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new InspectionActor());

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(Error));
        ActorRegistry.For(Context.System).GetAsync<NodeGuardian>().PipeTo(Self, success: guardian => new GuardianFound(guardian));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnError(Error error)
    {
        if (error.Cause is null || error.LogSource is null)
        {
            return;
        }

        var at = error.LogSource.IndexOf(UserRoot, StringComparison.Ordinal);
        if (at < 0)
        {
            return;
        }

        var path = error.LogSource[at..];
        if (_failures.TryGetValue(path, out var count) || _failures.Count < MaxTrackedPaths)
        {
            _failures[path] = count + 1;
        }
    }

    private List<ActorEntry> Walk(IActorRef root)
    {
        var entries = new List<ActorEntry>();
        var pending = new Stack<IActorRef>([root]);
        while (pending.Count > 0)
        {
            if (pending.Pop() is not ActorRefWithCell actor || actor.IsTerminated)
            {
                continue;
            }

            var path = actor.Path.ToStringWithoutAddress();
            var cell = actor.Underlying;
            entries.Add(new ActorEntry(path, cell.Props.Type.Name, cell.NumberOfMessages, _failures.GetValueOrDefault(path)));
            foreach (var child in actor.Children)
            {
                pending.Push(child);
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    private sealed record GuardianFound(IActorRef Guardian);
}
