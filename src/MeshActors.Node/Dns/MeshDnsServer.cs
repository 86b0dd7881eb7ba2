using System.Net;
using ARSoft.Tools.Net.Dns;
using MeshActors.Node.Names;
using Microsoft.Extensions.Logging;

namespace MeshActors.Node.Dns;

/// <summary>
/// The node's DNS server (<c>dns.address</c>, <c>--dns-addr</c>): ARSoft.Tools.Net's server on UDP and TCP at one
/// endpoint, answering each query from the current <see cref="NameDirectory"/> through <see cref="DnsAnswers"/>.
/// A query that cannot be parsed never reaches us (the library drops it); an exception in the library is logged.
/// </summary>
public sealed class MeshDnsServer : IDisposable
{
    /// <summary>Read and write timeout of a client connection, ms: a DNS exchange on loopback or a LAN takes far less.</summary>
    private const int TimeoutMs = 5000;

    private readonly DnsServer _server;

    private MeshDnsServer(DnsServer server) => _server = server;

    public static MeshDnsServer Start(IPEndPoint endPoint, DnsAnswers answers, NameDirectoryHolder directory, ILogger logger)
    {
        var server = new DnsServer(new UdpServerTransport(endPoint, TimeoutMs), new TcpServerTransport(endPoint, TimeoutMs, TimeoutMs));
        server.QueryReceived += (_, e) =>
        {
            if (e.Query is DnsMessage query)
            {
                e.Response = answers.Answer(query, directory.Current);
            }

            return Task.CompletedTask;
        };
        server.ExceptionThrown += (_, e) =>
        {
            logger.LogWarning("DNS server: {Error}", e.Exception.Message);
            return Task.CompletedTask;
        };
        server.Start();
        return new MeshDnsServer(server);
    }

    public void Dispose() => _server.Stop();
}
