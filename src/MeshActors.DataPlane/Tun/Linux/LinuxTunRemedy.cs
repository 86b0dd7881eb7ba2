namespace MeshActors.DataPlane.Tun.Linux;

/// <summary>What an operator can do when Linux refuses the node a TUN device.</summary>
internal static class LinuxTunRemedy
{
    public const string Text = "run with --no-tun, or grant CAP_NET_ADMIN (run as root, or setcap cap_net_admin+ep)";
}
