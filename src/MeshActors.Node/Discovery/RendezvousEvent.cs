namespace MeshActors.Node.Discovery;

/// <summary>What the rendezvous counts (<c>meshactors_discovery_rendezvous_total{event}</c>).</summary>
public enum RendezvousEvent
{
    /// <summary>Introductions sent, one per neighbour whose link came up while others were linked.</summary>
    IntroductionsSent,

    /// <summary>Keys listed in them.</summary>
    PeersIntroduced,

    /// <summary>Introductions a link's send queue refused (full or closing).</summary>
    SendFailed,
}
