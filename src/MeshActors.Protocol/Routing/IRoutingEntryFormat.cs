namespace MeshActors.Protocol.Routing;

/// <summary>
/// What differs between the routing batch kinds (route updates, seqno requests): the kind byte and the fixed-size
/// tail each entry carries after its prefix. <see cref="RoutingBatchCodec{TEntry, TFormat}"/> does the rest.
/// </summary>
internal interface IRoutingEntryFormat<TEntry>
{
    /// <summary>First byte of the payload (<see cref="ControlKinds"/>).</summary>
    static abstract byte Kind { get; }

    /// <summary>Bytes after the prefix, the same for every entry of the kind.</summary>
    static abstract int TailSize { get; }

    static abstract RoutePrefix PrefixOf(in TEntry entry);

    static abstract void WriteTail(Span<byte> tail, in TEntry entry);

    /// <summary>Reads the tail of an entry whose prefix was read; never throws (the tail is at least <see cref="TailSize"/> bytes).</summary>
    static abstract RoutingDecodeError TryReadTail(RoutePrefix prefix, ReadOnlySpan<byte> tail, out TEntry entry);
}
