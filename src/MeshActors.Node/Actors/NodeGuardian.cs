using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Pattern;

namespace MeshActors.Node.Actors;

/// <summary>
/// Root of one node's actors. Starts each child (peer manager, route table, TUN device, message bus …) under a
/// backoff supervisor and answers <see cref="GetNodeInfo"/>. Supervision is explicit: a child's failure restarts that
/// child with backoff and never stops the guardian or the node.
/// </summary>
public sealed class NodeGuardian : ReceiveActor
{
    public const string Name = "node";

    private readonly NodeInfo _identity;
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public NodeGuardian(NodeInfo identity, IReadOnlyList<ChildSpec> children)
    {
        _identity = identity;
        var registry = ActorRegistry.For(Context.System);
        foreach (var child in children)
        {
            var options = Backoff.OnFailure(child.Props, child.Name, ChildSpec.MinBackoff, ChildSpec.MaxBackoff, ChildSpec.RandomFactor, -1)
                .WithSupervisorStrategy(new OneForOneStrategy(RestartOnFailure));
            var supervisor = Context.ActorOf(BackoffSupervisor.Props(options), child.Name);
            if (child.RegistryKey is { } key)
            {
                // The supervisor forwards to the child, whichever incarnation is running: a stable reference.
                registry.TryRegister(key, supervisor, overwrite: true);
            }
        }

        Receive<GetNodeInfo>(_ => Sender.Tell(_identity with { UptimeSeconds = Math.Round(_uptime.Elapsed.TotalSeconds, 3) }));
    }

    public static Props Props(NodeInfo identity, IReadOnlyList<ChildSpec> children) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(identity, children));

    protected override void PreStart() => _log.Info("node {0} started as {1}", _identity.NodeName, _identity.PublicKey);

    protected override void PostStop() => _log.Info("node {0} stopped", _identity.NodeName);

    /// <summary>The backoff supervisors themselves never fail; if one does, restart it rather than stop the node.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(RestartOnFailure);

    private static Directive RestartOnFailure(Exception failure) => failure switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };
}
