using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Akka.Pattern;

namespace MeshActors.Node.Actors;

/// <summary>
/// Root of one node's actors. Starts each child (peer manager, route table, TUN device, message bus …) under a
/// backoff supervisor and answers <see cref="GetNodeInfo"/>. Typed failures decide supervision: a child's ordinary
/// failure restarts that child with backoff and never stops the guardian; a <see cref="NodeConfigurationException"/>
/// (thrown while running or while starting) stops the child and the whole node, with its one-line message reported
/// to <see cref="NodeFailure"/>.
/// </summary>
public sealed class NodeGuardian : ReceiveActor
{
    public const string Name = "node";

    private readonly NodeInfo _identity;
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ActorSystem _system = Context.System;
    private readonly NodeFailure _failure;

    public NodeGuardian(NodeInfo identity, IReadOnlyList<ChildSpec> children, NodeFailure failure)
    {
        _identity = identity;
        _failure = failure;
        var registry = ActorRegistry.For(Context.System);
        foreach (var child in children)
        {
            var options = Backoff.OnFailure(child.Props, child.Name, ChildSpec.MinBackoff, ChildSpec.MaxBackoff, ChildSpec.RandomFactor, -1)
                .WithSupervisorStrategy(new OneForOneStrategy(Decide));
            var supervisor = Context.ActorOf(BackoffSupervisor.Props(options), child.Name);
            if (child.RegistryKey is { } key)
            {
                // The supervisor forwards to the child, whichever incarnation is running: a stable reference.
                registry.TryRegister(key, supervisor, overwrite: true);
            }
        }

        Receive<GetNodeInfo>(_ => Sender.Tell(_identity with { UptimeSeconds = Math.Round(_uptime.Elapsed.TotalSeconds, 3) }));
    }

    public static Props Props(NodeInfo identity, IReadOnlyList<ChildSpec> children, NodeFailure failure) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(identity, children, failure));

    protected override void PreStart() => _log.Info("node {0} started as {1}", _identity.NodeName, _identity.PublicKey);

    protected override void PostStop() => _log.Info("node {0} stopped", _identity.NodeName);

    /// <summary>The backoff supervisors themselves never fail; if one does, restart it rather than stop the node.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(RestartOnFailure);

    /// <summary>Runs on the child's backoff supervisor: a configuration failure stops the node, anything else restarts.</summary>
    private Directive Decide(Exception failure)
    {
        var configuration = failure as NodeConfigurationException
            ?? (failure as ActorInitializationException)?.InnerException as NodeConfigurationException;
        if (configuration is not null)
        {
            if (_failure.TryReport(configuration.Message))
            {
                _log.Error("node stops: {0}", configuration.Message);
                CoordinatedShutdown.Get(_system).Run(NodeFailedReason.Instance);
            }

            return Directive.Stop;
        }

        return RestartOnFailure(failure);
    }

    private static Directive RestartOnFailure(Exception failure) => failure switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };
}

/// <summary>Why the node's coordinated shutdown ran: a child reported a <see cref="NodeConfigurationException"/>.</summary>
public sealed class NodeFailedReason : CoordinatedShutdown.Reason
{
    public static readonly NodeFailedReason Instance = new();

    private NodeFailedReason()
    {
    }

    /// <summary>Not used to exit (<c>exit-clr</c> is off); the command line exits 1, a runtime failure, with the message.</summary>
    public override int ExitCode => 1;
}
