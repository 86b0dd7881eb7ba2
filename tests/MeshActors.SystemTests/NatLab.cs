using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace MeshActors.SystemTests;

/// <summary>
/// The NAT lab of deploy/lab/nat-lab.sh under <see cref="Lab.Prefix"/>: A and B behind home routers (cone or symmetric
/// NAT, unsolicited inbound dropped), P public; A and B dial only P, over UDP. Each node's API is reached on
/// 127.0.0.1:8989 inside its namespace through sockets made there (<see cref="NetNamespace"/>). Disposing tears the
/// lab down.
/// </summary>
internal sealed class NatLab : IDisposable
{
    /// <summary>Longer than any long poll a test asks for (ReceiveAsync's wait), so a poll that ends empty answers 204
    /// instead of the client giving up at the same moment (a CI run failed on that race).</summary>
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, HttpClient> _api = [];

    private NatLab()
    {
    }

    public static string StateDirectory => $"/tmp/{Lab.Prefix}-natlab";

    public static NatLab Up(string natA, string natB)
    {
        var lab = new NatLab();
        try
        {
            lab.Script("up", natA, natB);
        }
        catch
        {
            lab.Dispose();
            throw;
        }

        return lab;
    }

    /// <param name="tun">With TUN devices (mesh0), so the overlay can be pinged.</param>
    /// <param name="secondRelay">Also Q, a second public node, which dials P.</param>
    /// <param name="rendezvous">P introduces the nodes linked to it to each other.</param>
    public void Start(string dll, bool tun = false, bool secondRelay = false, bool rendezvous = false) =>
        Script(["start", "--dll", dll, .. tun ? new[] { "--tun" } : [], .. secondRelay ? new[] { "--second-relay" } : [],
            .. rendezvous ? new[] { "--rendezvous" } : []]);

    /// <summary>Stops one node (p, q, a or b).</summary>
    public void Kill(string node) => Script("kill", node);

    /// <summary>The <c>nat</c> part of the node's <c>GET /api/v1/admin</c>.</summary>
    public async Task<JsonObject> NatAsync(string node) =>
        (await Api(node).GetFromJsonAsync<JsonObject>("/api/v1/admin"))!["nat"]!.AsObject();

    /// <summary>Runs a command in a node's namespace (p, q, a, b, ra, rb, w).</summary>
    public CommandOutput Exec(string node, params string[] command) => Shell.Run(RepoPaths.NatLabScript, ["--prefix", Lab.Prefix, "exec", node, .. command]);

    /// <summary>The node's overlay IPv6 address, from its API.</summary>
    public async Task<string> AddressAsync(string node) =>
        (await Api(node).GetFromJsonAsync<JsonObject>("/api/v1/admin"))!["address"]!.GetValue<string>();

    /// <summary>Router A's or B's conntrack table is flushed: every NAT mapping behind it is forgotten.</summary>
    public void Flush(string router) => Script("flush", router);

    /// <summary>The node's API (p, q, a or b).</summary>
    public HttpClient Api(string node)
    {
        if (!_api.TryGetValue(node, out var client))
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, ct) =>
                {
                    var socket = NetNamespace.CreateTcpSocket($"{Lab.Prefix}-nat{node}", AddressFamily.InterNetwork);
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            client = _api[node] = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8989"), Timeout = ClientTimeout };
        }

        return client;
    }

    /// <summary>The node's public key once its API answers; null while it does not.</summary>
    public async Task<string?> KeyAsync(string node)
    {
        try
        {
            return (await Api(node).GetFromJsonAsync<JsonObject>("/api/v1/admin"))?["publicKey"]?.GetValue<string>();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public async Task<JsonArray> PeersAsync(string node) => (await Api(node).GetFromJsonAsync<JsonArray>("/api/v1/admin/peers"))!;

    /// <summary>True when <paramref name="node"/> lists a peer with <paramref name="key"/> in state up.</summary>
    public async Task<bool> LinkedAsync(string node, string key) =>
        (await PeersAsync(node)).Any(p => p!["publicKey"]?.GetValue<string>() == key && p["state"]!.GetValue<string>() == "up");

    /// <summary>The next hop of <paramref name="node"/>'s selected route to the node with <paramref name="key"/>.</summary>
    public async Task<string?> NextHopAsync(string node, string key) =>
        (await Api(node).GetFromJsonAsync<JsonArray>("/api/v1/admin/routes/selected"))!
            .FirstOrDefault(r => r!["originator"]!.GetValue<string>() == key)?["nextHop"]?.GetValue<string>();

    /// <summary>Data frames <paramref name="node"/>'s forwarder relayed for others.</summary>
    public async Task<long> RelayedAsync(string node)
    {
        var line = (await Api(node).GetStringAsync("/metrics")).Split('\n')
            .First(l => l.StartsWith("meshactors_forwarder_packets_total{kind=\"relayed\"}", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<HttpResponseMessage> SendAsync(string from, string toKey, byte[] payload) =>
        await Api(from).PostAsJsonAsync("/api/v1/messages", new { dst = new { pk = toKey }, payload });

    /// <summary>Takes one message from the node's inbox, waiting up to <paramref name="seconds"/>; null when none came.</summary>
    public async Task<JsonObject?> ReceiveAsync(string node, int seconds)
    {
        using var response = await Api(node).GetAsync($"/api/v1/messages?timeout={seconds}");
        return response.StatusCode == HttpStatusCode.NoContent ? null : await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    public static string LogTails(int lines = 20) =>
        string.Join('\n', Directory.Exists($"{StateDirectory}/logs")
            ? Directory.GetFiles($"{StateDirectory}/logs").Order().Select(log => $"--- {log}\n{string.Join('\n', File.ReadLines(log).TakeLast(lines))}")
            : []);

    public void Dispose()
    {
        foreach (var client in _api.Values)
        {
            client.Dispose();
        }

        Script("down");
    }

    private void Script(params string[] arguments)
    {
        var result = Shell.Run(RepoPaths.NatLabScript, ["--prefix", Lab.Prefix, .. arguments]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"nat-lab.sh {string.Join(' ', arguments)} failed: {result}");
        }
    }
}
