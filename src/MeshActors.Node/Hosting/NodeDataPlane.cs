using MeshActors.DataPlane.Transports;
using MeshActors.Crypto;
using MeshActors.Crypto.EndToEnd;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Links;
using MeshActors.DataPlane.Tun;
using MeshActors.Node.Links;
using MeshActors.Node.Messaging;
using MeshActors.Node.Settings;
using MeshActors.Protocol;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Node.Hosting;

/// <summary>
/// Everything below the actors for one node, built before the actor system and torn down after it: the packet
/// buffer pool, the end-to-end session cache, the TUN device (unless disabled), the forwarder and its threads, and
/// the link listeners. Start-up failures become <see cref="NodeStartException"/> with the remedy in the message.
/// </summary>
public sealed class NodeDataPlane : IAsyncDisposable
{
    private NodeDataPlane(BufferPool pool, Forwarder forwarder, NodeLinks links, IHostTunDevice? tun, BusInlet busInlet, Ipv4AutoAddress? autoIpv4)
    {
        AutoIpv4 = autoIpv4;
        Pool = pool;
        BusInlet = busInlet;
        Forwarder = forwarder;
        Links = links;
        Tun = tun;
    }

    public BufferPool Pool { get; }

    public Forwarder Forwarder { get; }

    public NodeLinks Links { get; }

    /// <summary>Where the forwarder hands message-bus chunks to the MessageBus actor (bound to the actor system once it runs).</summary>
    public BusInlet BusInlet { get; }

    /// <summary>The TUN device, or null with <c>tun.enabled = off</c>; owned (and disposed) by the forwarder.</summary>
    public IHostTunDevice? Tun { get; }

    /// <summary>The automatic IPv4 address (<c>ipv4.network</c>), or null; the IPv4 actor moves it on a conflict.</summary>
    public Ipv4AutoAddress? AutoIpv4 { get; }

    public static NodeDataPlane Start(NodeSettings settings, NodeIdentity identity)
    {
        var autoIpv4 = Ipv4.AutoIpv4.For(settings, identity.Public);
        var bufferSize = BufferLayout.BufferSizeFor(settings.Tun.Mtu);
        var pool = new BufferPool(settings.DataPlane.PoolBuffers(bufferSize), bufferSize);
        var tun = settings.Tun.Enabled ? OpenTun(settings, identity, autoIpv4) : null;
        var sessions = new EndToEndSessionCache(identity, EndToEndLimits.DefaultCapacity, () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var busInlet = new BusInlet();
        var forwarder = new Forwarder(identity, pool, sessions, tun, new ForwarderOptions
        {
            OverlayPrefix = settings.OverlayPrefix,
            LocalIpv4Prefixes = Ipv4.AutoIpv4.LocalPrefixes(settings, autoIpv4),
            ExitPrefixes = settings.Exit.Prefixes,
            TunBatchSize = settings.DataPlane.TunBatchSize,
            TunWriteRingCapacity = settings.DataPlane.TunWriteRingCapacity,
        }, busInlet.Accept);
        NodeLinks links;
        try
        {
            links = NodeLinks.Open(identity, Admission(settings.Admission), pool, settings.Listen, settings.LinkOptions);
        }
        catch (ListenFailedException e)
        {
            forwarder.Dispose();
            var taken = e.Error == System.Net.Sockets.SocketError.AddressAlreadyInUse ? $"; the {e.Endpoint.Scheme.ToString().ToUpperInvariant()} port {e.Endpoint.Port} is taken" : "";
            throw new NodeStartException($"{e.Message}{taken} (change 'listen' or --port)", e);
        }
        catch (DataPlane.Transports.TransportNotSupportedException e)
        {
            forwarder.Dispose();
            throw new NodeStartException($"cannot listen on {string.Join(", ", settings.Listen)}: {e.Message} (change 'listen' or --port)", e);
        }

        links.Environment.DataSink = forwarder;
        forwarder.Start();
        return new NodeDataPlane(pool, forwarder, links, tun, busInlet, autoIpv4);
    }

    public async ValueTask DisposeAsync()
    {
        await Links.DisposeAsync();
        Forwarder.Dispose();
    }

    private static IHostTunDevice OpenTun(NodeSettings settings, NodeIdentity identity, Ipv4AutoAddress? autoIpv4)
    {
        var address = OverlayAddressing.DeriveAddress(identity.Public, settings.OverlayPrefix);
        try
        {
            // The address carries the overlay prefix length, so the kernel's connected route sends the whole overlay here.
            return TunDeviceFactory.Open(new TunOptions
            {
                Name = settings.Tun.Name,
                Mtu = settings.Tun.Mtu,
                Addresses = [new TunAddress(address, settings.OverlayPrefix.Length), .. Ipv4.AutoIpv4.TunAddresses(settings, autoIpv4)],
            });
        }
        catch (TunUnavailableException e)
        {
            throw new NodeStartException(e.Message, e);
        }
        catch (TunDeviceException e)
        {
            throw new NodeStartException($"cannot set up TUN device '{settings.Tun.Name}': {e.Message}", e);
        }
    }

    private static AdmissionPolicy Admission(AdmissionSettings admission) => admission.Mode switch
    {
        AdmissionMode.AllowList => AdmissionPolicy.AllowList(admission.AllowedKeys),
        AdmissionMode.NetworkKey => AdmissionPolicy.NetworkKey(admission.NetworkKey),
        AdmissionMode.AllowListAndNetworkKey => AdmissionPolicy.AllowListAndNetworkKey(admission.AllowedKeys, admission.NetworkKey),
        AdmissionMode.AllowListOrNetworkKey => AdmissionPolicy.AllowListOrNetworkKey(admission.AllowedKeys, admission.NetworkKey),
        _ => AdmissionPolicy.Open,
    };
}
