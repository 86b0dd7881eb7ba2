namespace MeshActors.DataPlane.Tests.Tun;

/// <summary>The test classes that make interfaces in the host's network namespace: run one after another under one <see cref="HostTunLock"/>.</summary>
[CollectionDefinition(Name)]
public sealed class HostTunCollection : ICollectionFixture<HostTunLock>
{
    public const string Name = "host TUN interfaces";
}
