using System.Net;
using System.Net.Sockets;
using MeshActors.Node.Names;
using MeshActors.Protocol.Socks;

namespace MeshActors.Node.Socks;

/// <summary>
/// Where a request points: its address as given, NAME.DOMAIN (the zone the DNS server answers, <c>dns.domain</c>) from
/// the mesh's name records (the owner's overlay address, or its announced IPv4 address when it has no IPv6 one), a
/// numeric host text as that address, and any other name through the system resolver. Thread-safe.
/// </summary>
public sealed class SocksTargets(NameDirectoryHolder names, string domain, Func<string, CancellationToken, Task<IPAddress[]>> systemResolver)
{
    private readonly string _suffix = "." + domain;

    public static Func<string, CancellationToken, Task<IPAddress[]>> SystemResolver { get; } = System.Net.Dns.GetHostAddressesAsync;

    /// <summary>The addresses to try in order, or why there are none.</summary>
    public async Task<(IPAddress[] Addresses, SocksRefusal? Refusal)> ResolveAsync(Socks5Request request, CancellationToken cancellationToken)
    {
        if (request.Address is { } address)
        {
            return ([address], null);
        }

        var host = request.Host!.TrimEnd('.').ToLowerInvariant();
        if (host.Contains(':') && IPAddress.TryParse(host, out var literal))
        {
            return ([literal], null);
        }

        if (host == domain || host.EndsWith(_suffix, StringComparison.Ordinal))
        {
            var label = host.Length > _suffix.Length ? host[..^_suffix.Length] : "";
            return names.Current.Resolve(label) is { } entry && (entry.Ipv6 ?? entry.Ipv4) is { } owner
                ? ([owner], null)
                : ([], SocksRefusal.UnknownName);
        }

        try
        {
            var found = await systemResolver(host, cancellationToken);
            return found.Length > 0 ? (found, null) : ([], SocksRefusal.ResolveFailed);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // No such name, or one the resolver will not look up (a label over 63 characters).
            return ([], SocksRefusal.ResolveFailed);
        }
    }
}
