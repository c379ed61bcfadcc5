using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Tests.Support;

/// <summary>
/// A raw RESP client for tests that must see Slotgate's exact bytes: send anything (even malformed input), read
/// complete replies back as decoded values or raw text.
/// </summary>
internal sealed class RespTestClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    private RespTestClient(Socket socket) => _socket = socket;

    public static async Task<RespTestClient> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return new RespTestClient(socket);
    }

    public static byte[] Encode(params string[] args) => RequestFrame.Encode(args);

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes) => await _socket.SendAsync(bytes);

    public Task SendAsync(params string[] args) => SendRawAsync(Encode(args));

    /// <summary>Sends one command and returns its decoded reply.</summary>
    public async Task<RespValue> CallAsync(params string[] args)
    {
        await SendAsync(args);
        return await ReadAsync();
    }

    /// <summary>Reads one complete reply (waits up to <paramref name="timeout"/>, default 10 s).</summary>
    public async Task<RespValue> ReadAsync(TimeSpan? timeout = null) => RespValue.Parse(await ReadRawAsync(timeout));

    public async Task<byte[]> ReadRawAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
            var reader = new SequenceReader<byte>(sequence);
            if (RespScanner.TrySkipValue(ref reader))
            {
                byte[] reply = sequence.Slice(0, reader.Consumed).ToArray();
                _start += (int)reader.Consumed;
                return reply;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            if (read == 0)
            {
                throw new IOException("connection closed by Slotgate");
            }
            _end += read;
        }
    }

    /// <summary>True when the server closes the connection within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            byte[] scratch = new byte[1024];
            while (true)
            {
                int read = await _socket.ReceiveAsync(scratch, SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
