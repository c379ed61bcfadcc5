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
            session.InMulti,
            info.Identity,
            info.User);
    }
}
