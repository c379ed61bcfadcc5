using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Tests.Support.InMemory;

/// <summary>
/// A minimal Redis node living in memory, for measuring Slotgate itself (allocation tests, session benchmarks) where a
/// real server's variance or cost would drown the signal. It owns all 16384 slots, answers CLUSTER SHARDS, PING,
/// GET (a fixed value) and SET (+OK), and allocates nothing per command. Behaviour tests use real redis-server.
/// </summary>
internal sealed class InMemoryRedisNode(string endpoint)
{
    private static readonly byte[] GetReply = "$5\r\nvalue\r\n"u8.ToArray();
    private readonly byte[] _shardsReply = BuildShardsReply(endpoint);

    private byte[]? _getError;
    private int _getErrorsLeft;

    public string Endpoint { get; } = endpoint;

    /// <summary>Makes the next <paramref name="count"/> GETs answer <paramref name="error"/> (e.g. LOADING) instead.</summary>
    public void FailNextGets(int count, string error)
    {
        _getError = Encoding.UTF8.GetBytes("-" + error + "\r\n");
        Volatile.Write(ref _getErrorsLeft, count);
    }

    public async Task ServeAsync(IDuplexPipe connection)
    {
        var parser = new RequestParser();
        var frame = new RequestFrame();
        try
        {
            while (true)
            {
                ReadResult result = await connection.Input.ReadAsync();
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (parser.TryParse(ref buffer, frame))
                {
                    connection.Output.Write(Answer(frame));
                }
                connection.Input.AdvanceTo(buffer.Start, buffer.End);
                FlushResult flush = await connection.Output.FlushAsync();
                if (result.IsCompleted || flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // The proxy side went away.
        }
        await connection.Input.CompleteAsync();
        await connection.Output.CompleteAsync();
    }

    private ReadOnlySpan<byte> Answer(RequestFrame frame)
    {
        ReadOnlySpan<byte> name = frame.Arg(0);
        if (Ascii.EqualsIgnoreCase(name, "GET"u8))
        {
            if (Volatile.Read(ref _getErrorsLeft) > 0 && Interlocked.Decrement(ref _getErrorsLeft) >= 0)
            {
                return _getError!;
            }
            return GetReply;
        }
        if (Ascii.EqualsIgnoreCase(name, "SET"u8))
        {
            return "+OK\r\n"u8;
        }
        if (Ascii.EqualsIgnoreCase(name, "PING"u8))
        {
            return "+PONG\r\n"u8;
        }
        if (Ascii.EqualsIgnoreCase(name, "CLUSTER"u8))
        {
            return _shardsReply;
        }
        return "-ERR unknown command\r\n"u8;
    }

    private static byte[] BuildShardsReply(string endpoint)
    {
        var (host, port) = Slotgate.Backend.BackendConnection.SplitEndpoint(endpoint);
        static string Bulk(string s) => $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n";
        string node = "*12\r\n" + Bulk("id") + Bulk(new string('a', 40)) + Bulk("port") + $":{port}\r\n" + Bulk("ip") + Bulk(host) +
            Bulk("endpoint") + Bulk(host) + Bulk("role") + Bulk("master") + Bulk("health") + Bulk("online");
        string shard = "*4\r\n" + Bulk("slots") + "*2\r\n:0\r\n:16383\r\n" + Bulk("nodes") + "*1\r\n" + node;
        return Encoding.UTF8.GetBytes("*1\r\n" + shard);
    }
}
