using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Birthday.Tests.Integration;

/// <summary>
/// HTTP/1.1 as bytes on a socket, for requests no client library would send (a NUL in the path, two Content-Lengths,
/// headers that never end) and for connections opened from another loopback address (127.0.0.2…: the same machine,
/// another client as far as the server can tell).
/// </summary>
internal static class RawHttp
{
    public static async Task<Socket> ConnectAsync(IPEndPoint server, IPAddress from, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(server, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends the bytes as they are and reads until the server closes the connection or the time is up.</summary>
    public static async Task<RawAnswer> SendAsync(IPEndPoint server, byte[] request, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var socket = await ConnectAsync(server, IPAddress.Loopback, cancel.Token);
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cancel.Token);
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read everything we meant to send; read what it said.
        }

        return await ReadAsync(socket, cancel.Token);
    }

    /// <summary>Everything the server sends until it closes the connection (or the token fires).</summary>
    public static async Task<RawAnswer> ReadAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // A reset after the answer, or the deadline: what came so far is the answer.
        }

        return RawAnswer.Parse(received.ToArray());
    }
}

/// <summary>A raw HTTP/1.1 answer: its status (0 when none came), head and body as text.</summary>
internal sealed record RawAnswer(int Status, string Head, string Body)
{
    public static RawAnswer Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = end < 0 ? text : text[..end];
        var body = end < 0 ? "" : text[(end + 4)..];
        var parts = head.Split(' ', 3);
        var status = parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal) && int.TryParse(parts[1], out var code) ? code : 0;
        return new RawAnswer(status, head, body);
    }

    public string? Header(string name) =>
        Head.Split("\r\n").Skip(1).Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();

    public override string ToString() => Head.Replace("\r\n", " | ", StringComparison.Ordinal) + (Body.Length > 0 ? $" || {(Body.Length > 200 ? Body[..200] : Body)}" : "");
}
