using MeshActors.Protocol.Routing;

namespace MeshActors.Node.Routing;

/// <summary>The route table starts originating <paramref name="Prefix"/> (an automatic IPv4 address that moved here).</summary>
public sealed record OriginateLocalPrefix(RoutePrefix Prefix);

/// <summary>The route table stops originating <paramref name="Prefix"/> (retracts it).</summary>
public sealed record WithdrawLocalPrefix(RoutePrefix Prefix);

/// <summary>Asks which other nodes the route table hears announce <paramref name="Prefix"/>; answered with <see cref="OtherOriginators"/>.</summary>
public sealed record GetOtherOriginators(RoutePrefix Prefix);

/// <summary>Public keys (32 bytes each) of the other originators of <paramref name="Prefix"/>.</summary>
public sealed record OtherOriginators(RoutePrefix Prefix, IReadOnlyList<byte[]> Keys);
