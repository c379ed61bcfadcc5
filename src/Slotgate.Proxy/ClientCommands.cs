using System.Buffers;
using System.Text;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// CLIENT subcommands about the calling client itself: its name, id, library and CLIENT INFO line. LIST and KILL,
/// over every client of Slotgate, are <see cref="ClientIntrospection"/>.
/// </summary>
internal static class ClientCommands
{
    public static void SetName(ClientSession session, ProxyRequest request)
    {
        ReadOnlySpan<byte> name = request.Frame.Arg(2);
        if (!TryValidateName(name, out string? error))
        {
            request.SetError(error!);
            return;
        }
        session.Info.Name = name.IsEmpty ? null : Encoding.UTF8.GetString(name);
        request.ReplyWriter.Write("+OK\r\n"u8);
    }

    /// <summary>The name, or null (RESP3) / the null bulk string (RESP2) when the client has none.</summary>
    public static void GetName(ClientSession session, ProxyRequest request)
    {
        IBufferWriter<byte> reply = request.ReplyWriter;
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

    public static void Id(ClientSession session, ProxyRequest request) => RespWriter.WriteInteger(request.ReplyWriter, session.Info.Id);

    /// <summary>CLIENT INFO: this client's CLIENT LIST line.</summary>
    public static void Info(ClientSession session, ProxyRequest request) =>
        ReplyShapes.WriteText(request.ReplyWriter, ClientIntrospection.Line(session) + "\n", request.Resp3); // verbatim under RESP3, as Redis

    /// <summary>CLIENT SETINFO LIB-NAME|LIB-VER value, shown in CLIENT LIST.</summary>
    public static void SetInfo(ClientSession session, ProxyRequest request)
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

    /// <summary>
    /// CLIENT REPLY ON|OFF|SKIP: checks the mode and answers ON's +OK; OFF and SKIP answer nothing. The session's
    /// <see cref="ReplyWriter"/> applies the mode to the replies after it (<see cref="ReplyMode"/>).
    /// </summary>
    public static void Reply(ProxyRequest request)
    {
        ReadOnlySpan<byte> mode = request.Frame.Arg(2);
        if (Ascii.EqualsIgnoreCase(mode, "ON"u8))
        {
            request.ReplyWriter.Write("+OK\r\n"u8);
        }
        else if (!Ascii.EqualsIgnoreCase(mode, "OFF"u8) && !Ascii.EqualsIgnoreCase(mode, "SKIP"u8))
        {
            request.SetError("ERR syntax error");
        }
    }

    /// <summary>Redis refuses client names (CLIENT SETNAME, HELLO SETNAME) with spaces, newlines or other special characters.</summary>
    public static bool TryValidateName(ReadOnlySpan<byte> name, out string? error)
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
}
