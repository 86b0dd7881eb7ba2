namespace MeshActors.Protocol.Routing;

/// <summary>
/// First byte of every Control frame payload: which component it is for. Routing owns 0x01–0x0F; later users
/// (gossip, names, NAT traversal) take their own ranges. Unknown kinds are dropped and counted by the receiver.
/// </summary>
public static class ControlKinds
{
    public const byte RouteUpdates = 0x01;
    public const byte SeqnoRequests = 0x02;

    /// <summary>One signed name record (Names/NameRecordCodec), flooded with de-duplication.</summary>
    public const byte NameRecord = 0x10;

    /// <summary>NAT traversal owns 0x20–0x2F. The endpoint the sender sees the receiver from (Nat/ReflectionCodec).</summary>
    public const byte Reflection = 0x20;

    /// <summary>A rendezvous node's list of other nodes linked to it, for the receiver to punch towards (Nat/IntroductionCodec).</summary>
    public const byte Introduction = 0x21;
}
