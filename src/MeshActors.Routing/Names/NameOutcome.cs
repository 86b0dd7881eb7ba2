namespace MeshActors.Routing.Names;

/// <summary>What the registry did with an offered record. Every value but <see cref="Accepted"/> drops it.</summary>
public enum NameOutcome
{
    /// <summary>New and valid: stored and flooded on.</summary>
    Accepted,

    /// <summary>Seen already (another copy of a flooded record): dropped, not flooded again.</summary>
    Duplicate,

    /// <summary>Signature does not verify under the record's key.</summary>
    Forged,

    /// <summary>Validly signed, but not newer than the record this key last had here.</summary>
    Replayed,

    /// <summary>Its lifetime is over.</summary>
    Expired,

    /// <summary>Signed further ahead of this node's clock than the clock-skew allowance.</summary>
    FromFuture,

    /// <summary>A new key while the table holds its maximum number of keys.</summary>
    TableFull,
}
