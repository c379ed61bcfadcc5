using System.Buffers;
using System.Text;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>CLIENT: the session's own name, id and library, and Slotgate's clients (LIST, KILL; see <see cref="ClientIntrospection"/>).</summary>
internal sealed partial class LocalCommands
{
    private static void Client(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        IBufferWriter<byte> reply = request.ReplyWriter;
        switch (command.Local)
        {
            case LocalCommand.ClientSetName:
                SetName(session, request, request.Frame.Arg(2));
                break;
            case LocalCommand.ClientGetName:
                GetName(session, reply);
                break;
            case LocalCommand.ClientId:
                RespWriter.WriteInteger(reply, session.Info.Id);
                break;
            case LocalCommand.ClientSetInfo:
                SetInfo(session, request);
                break;
            case LocalCommand.ClientInfoLine:
                RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(ClientIntrospection.Line(session) + "\n"));
                break;
            case LocalCommand.ClientList:
                ClientIntrospection.List(session, request);
                break;
            case LocalCommand.ClientKill:
                ClientIntrospection.Kill(session, request);
                break;
            case LocalCommand.ClientNoEvict:
            case LocalCommand.ClientNoTouch:
                reply.Write("+OK\r\n"u8);
                break;
            default:
                NotAnswered(request, command);
                break;
        }
    }

    private static void SetName(ClientSession session, ProxyRequest request, ReadOnlySpan<byte> name)
    {
        if (!TryValidateName(name, out string? error))
        {
            request.SetError(error!);
            return;
        }
        session.Info.Name = name.IsEmpty ? null : Encoding.UTF8.GetString(name);
        request.ReplyWriter.Write("+OK\r\n"u8);
    }

    /// <summary>The name, or null (RESP3) / the null bulk string (RESP2) when the client has none.</summary>
    private static void GetName(ClientSession session, IBufferWriter<byte> reply)
    {
        if (session.Info.Name is { } name)
        {
            RespWriter.WriteBulkString(reply, Encoding.UTF8.GetBytes(name));
        }
        else if (session.Info.Resp3)
        {
            RespWriter.WriteNull(reply);
        }
        else
        {
            RespWriter.WriteNullBulk(reply);
        }
    }

    /// <summary>Redis refuses client names with spaces, newlines or other special characters.</summary>
    private static bool TryValidateName(ReadOnlySpan<byte> name, out string? error)
    {
        foreach (byte b in name)
        {
            if (b < '!' || b > '~')
            {
                error = "ERR Client names cannot contain spaces, newlines or special characters.";
                return false;
            }
        }
        error = null;
        return true;
    }

    private static void SetInfo(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        ReadOnlySpan<byte> attribute = frame.Arg(2);
        string value = Encoding.UTF8.GetString(frame.Arg(3));
        if (Ascii.EqualsIgnoreCase(attribute, "LIB-NAME"u8))
        {
            session.Info.LibraryName = value;
        }
        else if (Ascii.EqualsIgnoreCase(attribute, "LIB-VER"u8))
        {
            session.Info.LibraryVersion = value;
        }
        else
        {
            request.SetError($"ERR Unrecognized option '{Encoding.UTF8.GetString(attribute)}'");
            return;
        }
        request.ReplyWriter.Write("+OK\r\n"u8);
    }
}
