namespace MeshActors.Protocol.Ip;

public enum IpVersion : byte
{
    None = 0,
    V4 = 4,
    V6 = 6,
}
