using System.Net.Sockets;
using MeshActors.Crypto;
using MeshActors.Crypto.Handshake;
using MeshActors.DataPlane;
using MeshActors.DataPlane.Buffers;
using MeshActors.DataPlane.Forwarding;
using MeshActors.DataPlane.Transports;
using MeshActors.Node.Settings;
using MeshActors.Routing.Ipv4;

namespace MeshActors.Node.Hosting;

/// <summary>
/// Starts a node's data plane from its settings: fills <see cref="DataPlaneSetup"/> and turns a listen endpoint
/// that cannot be opened into a <see cref="NodeStartException"/> that says which port and what to change.
/// </summary>
public static class DataPlaneStart
{
    public static NodeDataPlane Start(NodeSettings settings, NodeIdentity identity, Ipv4AutoAddress? autoIpv4, MessageHandler? messages)
    {
        try
        {
            return NodeDataPlane.Start(identity, Setup(settings, autoIpv4), messages);
        }
        catch (ListenFailedException e)
        {
            var taken = e.Error == SocketError.AddressAlreadyInUse ? $"; the {e.Endpoint.Scheme.ToString().ToUpperInvariant()} port {e.Endpoint.Port} is taken" : "";
            throw new NodeStartException($"{e.Message}{taken} (change 'listen' or --port)", e);
        }
        catch (TransportNotSupportedException e)
        {
            throw new NodeStartException($"cannot listen on {string.Join(", ", settings.Listen)}: {e.Message} (change 'listen' or --port)", e);
        }
    }

    public static DataPlaneSetup Setup(NodeSettings settings, Ipv4AutoAddress? autoIpv4)
    {
        var bufferSize = BufferLayout.BufferSizeFor(settings.Tun.Mtu);
        return new DataPlaneSetup
        {
            BufferSize = bufferSize,
            PoolBuffers = settings.DataPlane.PoolBuffers(bufferSize),
            PrewarmBuffers = settings.DataPlane.PrewarmBuffers(bufferSize),
            Admission = Admission(settings.Admission),
            Listen = settings.Listen,
            Links = settings.LinkOptions,
            Forwarding = new ForwarderOptions
            {
                OverlayPrefix = settings.OverlayPrefix,
                LocalIpv4Prefixes = Ipv4.AutoIpv4.LocalPrefixes(settings, autoIpv4),
                ExitPrefixes = settings.Exit.Prefixes,
                Transit = settings.Nat.Relay,
                TunBatchSize = settings.DataPlane.TunBatchSize,
                TunWriteRingCapacity = settings.DataPlane.TunWriteRingCapacity,
            },
        };
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
