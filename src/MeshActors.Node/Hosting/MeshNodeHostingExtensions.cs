using Akka.Actor;
using Akka.Hosting;
using Akka.Logger.Serilog;
using MeshActors.Node.Actors;
using MeshActors.Node.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace MeshActors.Node.Hosting;

/// <summary>Akka.Hosting wiring of a node; tests reuse it with their own child specs.</summary>
public static class MeshNodeHostingExtensions
{
    public const string ActorSystemName = "meshactors";

    /// <summary>Akka settings the node relies on, whatever the user config says.</summary>
    private const string AkkaHocon = """
        akka {
          stdout-loglevel = off
          coordinated-shutdown.exit-clr = off
          coordinated-shutdown.default-phase-timeout = 2s
        }
        """;

    /// <summary>Adds the actor system with the node's guardian, and the <see cref="NodeFailure"/> the guardian reports a
    /// configuration failure to (the runtime reads it to stop with that message).</summary>
    public static IServiceCollection AddMeshNode(
        this IServiceCollection services, NodeSettings settings, NodeInfo info, Func<IReadOnlyList<ChildSpec>>? children = null)
    {
        var failure = new NodeFailure();
        services.AddSingleton(failure);
        services.AddAkka(ActorSystemName, (builder, _) =>
        {
            builder
                .AddHocon(AkkaHocon, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLogger<SerilogLogger>();
                    loggers.LogLevel = NodeLogging.AkkaLevel(settings.LogLevel);
                })
                .WithActors((system, registry) =>
                {
                    var guardian = system.ActorOf(NodeGuardian.Props(info, children?.Invoke() ?? [], failure), NodeGuardian.Name);
                    registry.Register<NodeGuardian>(guardian);
                });
        });
        return services;
    }
}
