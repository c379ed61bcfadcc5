using System.Globalization;
using Slotgate.Proxy;

namespace Slotgate.Admin;

/// <summary>Slotgate's clients as CLIENT LIST describes them, for the RESP command and <c>/clients</c> alike.</summary>
internal static class ClientsView
{
    public static ClientDto ToDto(ClientSession session)
    {
        ClientInfo info = session.Info;
        return new ClientDto(
            info.Id,
            info.RemoteEndpoint,
            info.LocalEndpoint,
            info.Name,
            (long)(DateTimeOffset.UtcNow - info.ConnectedAt).TotalSeconds,
            Math.Max(0, (Environment.TickCount64 - info.LastActive) / 1000),
            info.LastCommand,
            info.Resp3 ? 3 : 2,
            info.LibraryName,
            info.LibraryVersion,
            session.Subscribed,
            session.InMulti);
    }

    /// <summary>One CLIENT LIST line, with Redis's field names and order (the fields Slotgate can know).</summary>
    public static string Line(ClientSession session)
    {
        ClientDto c = ToDto(session);
        string flags = c.Multi ? "x" : c.Subscribed ? "P" : "N";
        return string.Create(CultureInfo.InvariantCulture,
            $"id={c.Id} addr={c.Addr} laddr={c.Laddr} fd=-1 name={c.Name} age={c.Age} idle={c.Idle} flags={flags} db=0 sub=0 psub=0 ssub=0 multi=-1 cmd={c.Cmd ?? "NULL"} user=default lib-name={c.LibName} lib-ver={c.LibVer} resp={c.Resp}");
    }
}
