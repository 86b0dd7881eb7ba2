using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshActors.Node.Tests.Messaging;

/// <summary>
/// HTTP/1.1 by hand, for answers a server gives before the request body: HttpClient fails with a broken pipe when
/// the server refuses a body while the client is still sending it, and then the refusal itself is lost.
/// </summary>
internal static class RawHttp
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Sends a POST whose headers announce <paramref name="contentLength"/> bytes of JSON, sends none, reads the answer.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> PostHeadersOnlyAsync(EndPoint server, string path, long contentLength)
    {
        using var timeout = new CancellationTokenSource(Patience);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server, timeout.Token);
        var request = $"POST {path} HTTP/1.1\r\nHost: {server}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, timeout.Token);

        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (!IsComplete(received.ToArray(), out _, out _))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
        }

        Assert.True(IsComplete(received.ToArray(), out var status, out var body), $"incomplete answer: {Encoding.UTF8.GetString(received.ToArray())}");
        return (status, body);
    }

    /// <summary>True once the status line, the headers and the whole body (Content-Length bytes, or every chunk) have arrived.</summary>
    private static bool IsComplete(byte[] data, out HttpStatusCode status, out string body)
    {
        status = 0;
        body = "";
        var text = Encoding.UTF8.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var lines = text[..end].Split("\r\n");
        status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.OrdinalIgnoreCase);
        body = text[(end + 4)..];
        return headers.TryGetValue("Content-Length", out var length)
            ? Encoding.UTF8.GetByteCount(body) >= int.Parse(length)
            : !headers.ContainsKey("Transfer-Encoding") || body.EndsWith("0\r\n\r\n", StringComparison.Ordinal); // chunked: up to the last chunk
    }
}
