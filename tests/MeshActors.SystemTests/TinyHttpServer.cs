using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeshActors.SystemTests;

/// <summary>
/// An HTTP/1.0 server in miniature on a socket inside a namespace (<see cref="NetNamespace"/>): every request, read up
/// to its blank line, gets the same body and the connection is closed. Counts the requests it answered.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly byte[] _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _answered;

    public TinyHttpServer(string namespaceName, IPEndPoint endPoint, string body)
    {
        _listener = NetNamespace.CreateTcpSocket(namespaceName, endPoint.AddressFamily);
        _listener.Bind(endPoint);
        _listener.Listen(16);
        _response = Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
        _loop = Task.Run(ServeAsync);
    }

    public int Answered => Volatile.Read(ref _answered);

    private async Task ServeAsync()
    {
        while (true)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (connection)
            {
                try
                {
                    await AnswerAsync(connection);
                }
                catch (SocketException)
                {
                    // The client left; the next one is served.
                }
            }
        }
    }

    private async Task AnswerAsync(Socket connection)
    {
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await connection.SendAsync(_response, SocketFlags.None, _stop.Token);
        Interlocked.Increment(ref _answered);
        connection.Shutdown(SocketShutdown.Both);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
    }
}
