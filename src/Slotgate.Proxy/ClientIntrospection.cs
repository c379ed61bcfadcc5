using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// CLIENT LIST and CLIENT KILL over Slotgate's own clients (not the nodes'), with Redis's reply shapes: the clients of
/// a proxy are the ones an operator wants to see and disconnect; the nodes only see Slotgate's shared connections.
/// </summary>
internal static class ClientIntrospection
{
    /// <summary>
    /// One CLIENT LIST line, with Redis's field names and order (the fields Slotgate can know); a client with a PROXY
    /// protocol identity gets one more field at the end, <c>identity=spiffe://...</c>, which key=value parsers take
    /// as they take fields newer Redis versions add.
    /// </summary>
    public static string Line(ClientSession session)
    {
        ClientInfo info = session.Info;
        long age = (long)(DateTimeOffset.UtcNow - info.ConnectedAt).TotalSeconds;
        long idle = Math.Max(0, (Environment.TickCount64 - info.LastActive) / 1000);
        string flags = session.InMulti ? "x" : session.Subscribed ? "P" : "";
        ClientTracking? tracking = session.Tracking is { On: true } on ? on : null;
        if (tracking is not null)
        {
            // As Redis: t tracking, R its redirect target is gone, B broadcast mode.
            flags += "t" + (tracking.BrokenRedirect ? "R" : "") + (tracking.Broadcast ? "B" : "");
        }
        flags = flags.Length == 0 ? "N" : flags;
        return string.Create(CultureInfo.InvariantCulture,
            $"id={info.Id} addr={info.RemoteEndpoint} laddr={info.LocalEndpoint} fd=-1 name={info.Name} age={age} idle={idle} flags={flags} db=0 sub=0 psub=0 ssub=0 multi={(session.InMulti ? 0 : -1)} cmd={info.LastCommand ?? "NULL"} user={info.User} redir={(tracking is null ? -1 : tracking.Redirect)} lib-name={info.LibraryName} lib-ver={info.LibraryVersion} resp={(info.Resp3 ? 3 : 2)}{(info.Identity is null ? "" : " identity=" + info.Identity)}");
    }

    /// <summary>CLIENT LIST [TYPE normal|pubsub|master|replica] [ID id ...].</summary>
    public static void List(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        IEnumerable<ClientSession> clients = session.Clients.All();
        for (int i = 2; i < frame.ArgCount; i++)
        {
            string option = Text(frame.Arg(i)).ToUpperInvariant();
            if (option == "TYPE" && i + 1 < frame.ArgCount)
            {
                string type = Text(frame.Arg(++i)).ToLowerInvariant();
                if (type is not ("normal" or "pubsub" or "master" or "replica" or "slave"))
                {
                    request.SetError($"ERR Unknown client type '{type}'");
                    return;
                }
                clients = clients.Where(c => type == "normal" ? !c.Subscribed : type == "pubsub" && c.Subscribed);
            }
            else if (option == "ID" && i + 1 < frame.ArgCount)
            {
                var ids = new HashSet<long>();
                while (++i < frame.ArgCount)
                {
                    if (!long.TryParse(Text(frame.Arg(i)), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
                    {
                        request.SetError("ERR Invalid client ID");
                        return;
                    }
                    ids.Add(id);
                }
                clients = clients.Where(c => ids.Contains(c.Info.Id));
            }
            else
            {
                request.SetError("ERR syntax error");
                return;
            }
        }
        var text = new StringBuilder();
        foreach (ClientSession client in clients)
        {
            text.Append(Line(client)).Append('\n');
        }
        // A verbatim text under RESP3, as Redis's CLIENT LIST.
        ReplyShapes.WriteText(request.ReplyWriter, text.ToString(), request.Resp3);
    }

    /// <summary>
    /// CLIENT KILL ip:port (the old form: +OK or an error) or CLIENT KILL with filters ID, ADDR, LADDR, USER, TYPE,
    /// SKIPME (the new form: the number of clients closed). A killed client gets the replies already due, then EOF.
    /// </summary>
    public static void Kill(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        if (frame.ArgCount == 3)
        {
            string address = Text(frame.Arg(2));
            ClientSession? target = session.Clients.All().FirstOrDefault(c => c.Info.RemoteEndpoint == address);
            if (target is null)
            {
                request.SetError("ERR No such client");
                return;
            }
            target.Kill();
            request.ReplyWriter.Write("+OK\r\n"u8);
            return;
        }
        if (frame.ArgCount % 2 != 0)
        {
            request.SetError("ERR syntax error");
            return;
        }
        IEnumerable<ClientSession> targets = session.Clients.All();
        bool skipMe = true;
        for (int i = 2; i + 1 < frame.ArgCount; i += 2)
        {
            string filter = Text(frame.Arg(i)).ToUpperInvariant();
            string value = Text(frame.Arg(i + 1));
            switch (filter)
            {
                case "ID":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
                    {
                        request.SetError("ERR client-id should be greater than 0");
                        return;
                    }
                    targets = targets.Where(c => c.Info.Id == id);
                    break;
                case "ADDR":
                    targets = targets.Where(c => c.Info.RemoteEndpoint == value);
                    break;
                case "LADDR":
                    targets = targets.Where(c => c.Info.LocalEndpoint == value);
                    break;
                case "USER":
                    targets = targets.Where(_ => value == "default");
                    break;
                case "TYPE":
                    string type = value.ToLowerInvariant();
                    if (type is not ("normal" or "pubsub" or "master" or "replica" or "slave"))
                    {
                        request.SetError($"ERR Unknown client type '{value}'");
                        return;
                    }
                    targets = targets.Where(c => type == "normal" ? !c.Subscribed : type == "pubsub" && c.Subscribed);
                    break;
                case "SKIPME":
                    if (!value.Equals("yes", StringComparison.OrdinalIgnoreCase) && !value.Equals("no", StringComparison.OrdinalIgnoreCase))
                    {
                        request.SetError("ERR syntax error");
                        return;
                    }
                    skipMe = value.Equals("yes", StringComparison.OrdinalIgnoreCase);
                    break;
                default:
                    request.SetError("ERR syntax error");
                    return;
            }
        }
        int killed = 0;
        foreach (ClientSession target in targets.ToList())
        {
            if (skipMe && ReferenceEquals(target, session))
            {
                continue;
            }
            target.Kill();
            killed++;
        }
        RespWriter.WriteInteger(request.ReplyWriter, killed);
    }

    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value);
}
