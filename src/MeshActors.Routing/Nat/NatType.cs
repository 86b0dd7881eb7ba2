namespace MeshActors.Routing.Nat;

/// <summary>How the network in front of a node maps its UDP socket, as its neighbours' reflections show it.</summary>
public enum NatType
{
    /// <summary>Fewer than two neighbours outside the NAT have reported yet (or only one has, through a NAT).</summary>
    Unknown,

    /// <summary>Every neighbour sees the node's own address and port: no NAT in front of it.</summary>
    None,

    /// <summary>Neighbours see one translated endpoint whichever of them the node talks to ("cone"): hole punching
    /// works to the reflexive endpoint.</summary>
    EndpointIndependent,

    /// <summary>Neighbours see different translated endpoints: the mapping depends on the destination's address or
    /// port ("symmetric"); a peer can only guess the next port.</summary>
    Symmetric,
}
