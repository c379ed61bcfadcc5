using System.Buffers;
using System.Buffers.Text;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>Connection commands: PING, ECHO, QUIT, SELECT, READONLY, READWRITE, ASKING, RESET.</summary>
internal sealed partial class LocalCommands
{
    private static void Connection(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        RequestFrame frame = request.Frame;
        IBufferWriter<byte> reply = request.ReplyWriter;
        switch (command.Local)
        {
            case LocalCommand.Ping:
                if (frame.ArgCount == 1)
                {
                    reply.Write("+PONG\r\n"u8);
                }
                else
                {
                    RespWriter.WriteBulkString(reply, frame.Arg(1));
                }
                break;
            case LocalCommand.Echo:
                RespWriter.WriteBulkString(reply, frame.Arg(1));
                break;
            case LocalCommand.Quit:
                reply.Write("+OK\r\n"u8);
                session.CloseAfter(request);
                break;
            case LocalCommand.Select:
                Select(request);
                break;
            case LocalCommand.ReadOnly:
            case LocalCommand.ReadWrite:
            case LocalCommand.Asking:
                // Slotgate chooses the node and the connection kind itself; the client's cluster handshake is a no-op.
                reply.Write("+OK\r\n"u8);
                break;
            case LocalCommand.Reset:
                session.Info.Name = null;
                session.SignOut();
                reply.Write("+RESET\r\n"u8);
                break;
            default:
                NotAnswered(request, command);
                break;
        }
    }

    private static void Select(ProxyRequest request)
    {
        ReadOnlySpan<byte> argument = request.Frame.Arg(1);
        if (!Utf8Parser.TryParse(argument, out long db, out int used) || used != argument.Length)
        {
            request.SetError("ERR value is not an integer or out of range");
        }
        else if (db != 0)
        {
            // Redis Cluster has only database 0 and says so in these words.
            request.SetError("ERR SELECT is not allowed in cluster mode");
        }
        else
        {
            request.ReplyWriter.Write("+OK\r\n"u8);
        }
    }
}
