namespace MeshActors.Routing.Ipv4;

/// <summary>
/// The address one node takes in an <see cref="Ipv4Network"/>, and how it moves on a conflict. The node starts at
/// its key's candidate 0. When another node holds the same address, the loser moves: a node always yields to a
/// configured address; between two automatic ones the larger key (bytewise) yields. The loser walks its candidates
/// in order and takes the first that nobody is known to hold. Both sides decide alike from the same facts, so only
/// one of them moves. Not thread-safe: one owner.
/// </summary>
public sealed class Ipv4AutoAddress
{
    private readonly byte[] _key;

    public Ipv4AutoAddress(Ipv4Network network, byte[] key)
    {
        Network = network;
        _key = key;
        Address = network.Candidate(key, 0);
    }

    public Ipv4Network Network { get; }

    /// <summary>The address held now, big-endian as a number.</summary>
    public uint Address { get; private set; }

    /// <summary>Index of the candidate held now.</summary>
    public uint Attempt { get; private set; }

    /// <summary>Moves that happened so far.</summary>
    public int Moves { get; private set; }

    /// <summary>True when this node must give its address up to <paramref name="other"/>.</summary>
    public bool YieldsTo(Ipv4Claimant other) =>
        !other.IsAutomatic || other.Key.AsSpan().SequenceCompareTo(_key) < 0;

    /// <summary>
    /// Looks at every other holder of <see cref="Address"/>; when this node loses to one of them it moves to its next
    /// candidate that <paramref name="isTaken"/> does not report held. Returns true when the address changed.
    /// </summary>
    public bool Resolve(IEnumerable<Ipv4Claimant> holders, Func<uint, bool> isTaken)
    {
        if (!holders.Any(YieldsTo))
        {
            return false;
        }

        // Bounded: after HostCount more candidates every address has been tried; take the last one rather than spin.
        for (uint step = 0; step < Network.HostCount; step++)
        {
            Attempt++;
            Address = Network.Candidate(_key, Attempt);
            if (!isTaken(Address))
            {
                break;
            }
        }

        Moves++;
        return true;
    }
}
