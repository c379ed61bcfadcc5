using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Proxy;

namespace Slotgate.Hosting;

/// <summary>Kestrel's entry point for a RESP client connection: wraps it in a <see cref="ClientSession"/>.</summary>
internal sealed class RespConnectionHandler(
    CommandDispatcher dispatcher,
    ServerIdentity identity,
    Diagnostics.SlotgateMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<ClientSession> logger) : ConnectionHandler
{
    private static long s_nextClientId;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var info = new ClientInfo(
            Interlocked.Increment(ref s_nextClientId),
            connection.RemoteEndPoint?.ToString() ?? "?",
            connection.LocalEndPoint?.ToString() ?? "?");
        var session = new ClientSession(connection.Transport, dispatcher, info, logger);
        identity.ClientConnected();
        metrics.ClientConnected();
        logger.LogDebug("Client {Id} connected from {Address}", info.Id, info.RemoteEndpoint);
        // On shutdown the session stops reading new commands but still answers those already received (drain).
        using CancellationTokenRegistration stopping = lifetime.ApplicationStopping.Register(
            static state => ((ConnectionContext)state!).Transport.Input.CancelPendingRead(), connection);
        try
        {
            await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
        finally
        {
            identity.ClientDisconnected();
            logger.LogDebug("Client {Id} disconnected", info.Id);
        }
    }
}
