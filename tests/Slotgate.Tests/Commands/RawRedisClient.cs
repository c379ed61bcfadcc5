using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slotgate.Tests.Commands;

/// <summary>A blocking one-request-at-a-time RESP client over a raw socket: sends a multibulk, parses the reply.</summary>
internal sealed class RawRedisClient : IDisposable
{
    private readonly TcpClient _client;
    private readonly BufferedStream _stream;
    private readonly RespNodeReader _reader;

    public RawRedisClient(int port)
    {
        _client = new TcpClient();
        _client.Connect(IPAddress.Loopback, port);
        _stream = new BufferedStream(_client.GetStream());
        _reader = new RespNodeReader(_stream);
    }

    public RespNode Execute(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        _stream.Write(Encoding.UTF8.GetBytes(sb.ToString()));
        _stream.Flush();
        return _reader.Read();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}
