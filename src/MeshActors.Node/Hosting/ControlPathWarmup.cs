using System.Reflection;
using System.Runtime.CompilerServices;
using MeshActors.Messaging;
using MeshActors.Node.Messaging;
using MeshActors.Node.Nat;
using MeshActors.Protocol.Nat;
using MeshActors.Routing.Nat;

namespace MeshActors.Node.Hosting;

/// <summary>
/// Compiles the message bus and hole punching ahead of their first use, on a background thread of low priority once
/// the node is up. Both sit idle until the first message to a node without a direct link, and compiling them then
/// (a few hundred methods, in every process along the way) held that first punch back by most of a second: measured
/// in the NAT lab, cone to cone, 1.3 s from the first message to a direct path in fresh processes against 0.4 s once
/// the paths had run. Only methods with a body in the listed types and their nested types (async state machines,
/// closures); generic methods are left to the JIT.
/// </summary>
public static class ControlPathWarmup
{
    private static readonly Assembly[] Assemblies =
    [
        typeof(MessageBusCore).Assembly, // Messaging: chunking, windows, acks, reassembly
        typeof(PunchAttempt).Assembly, // Routing: the attempt's state machine
        typeof(PunchSignalCodec).Assembly, // Protocol: signals, probes, reflections
        typeof(MessageBusActor).Assembly, // Node: the bus and NAT actors, sessions
        typeof(DataPlane.Forwarding.Forwarder).Assembly, // DataPlane: sealing a payload for a node, delivering one
        typeof(Crypto.EndToEnd.EndToEndSessionCache).Assembly, // Crypto: end-to-end sessions
    ];

    private static readonly string[] Namespaces =
    [
        "MeshActors.Messaging", "MeshActors.Routing.Nat", "MeshActors.Protocol.Nat", "MeshActors.Node.Messaging", "MeshActors.Node.Nat",
        "MeshActors.DataPlane.Forwarding", "MeshActors.Crypto.EndToEnd",
    ];

    private static int _started;

    /// <summary>Starts the warm-up once per process; returns at once.</summary>
    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        var thread = new Thread(Run) { IsBackground = true, Name = "meshactors-warmup", Priority = ThreadPriority.BelowNormal };
        thread.Start();
    }

    private static void Run()
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = Assemblies.SelectMany(LoadableTypes)
            .Where(type => type.Namespace is { } name && Namespaces.Any(prefix => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal)))
            .Where(type => !type.ContainsGenericParameters);
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null)
                {
                    continue;
                }

                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or TypeLoadException or BadImageFormatException)
                {
                    // A method the runtime will not prepare ahead: the JIT compiles it on first use, as without this.
                }
            }
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
