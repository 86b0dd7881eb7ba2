using Akka.Actor;
using Akka.Hosting;
using MeshActors.Messaging.Api;
using MeshActors.Node.Messaging;
using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Tunnels;

/// <summary>Hands one tunnel frame to the tunnel bus for a peer; waits and tries again while the bus has no free
/// in-flight slot (429). Any thread.</summary>
internal sealed class TunnelBusSender(ActorSystem system)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(5);

    public async Task SendAsync(RouterId peer, byte[] frame, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!ActorRegistry.For(system).TryGet<TunnelBus>(out var bus))
            {
                throw new IOException("the tunnel bus is not running");
            }

            var answer = await bus.Ask<SendAnswer>(new SendBusMessage(new MessageTarget(peer, null), [], frame, null, null), AskTimeout, cancellationToken);
            switch (answer)
            {
                case SendAccepted:
                    return;
                case SendRefused { StatusCode: 429 }:
                    await Task.Delay(BusyPause, cancellationToken);
                    break;
                case SendRefused refused:
                    throw new IOException($"the tunnel bus refused a frame: {refused.Problem}");
                default:
                    throw new IOException($"the tunnel bus answered {answer}");
            }
        }
    }
}
