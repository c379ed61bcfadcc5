using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Configuration;
using Slotgate.Protocol;
using Slotgate.Proxy;

namespace Slotgate.Hosting;

/// <summary>Kestrel's entry point for a RESP client connection: wraps it in a <see cref="ClientSession"/>.</summary>
internal sealed partial class RespConnectionHandler(
    CommandDispatcher dispatcher,
    ServerIdentity identity,
    Diagnostics.SlotgateMetrics metrics,
    ShutdownDrain shutdown,
    SlotgateOptions options,
    ConnectionsPerAddress perAddress,
    ILogger<ClientSession> logger) : ConnectionHandler
{
    private static readonly byte[] s_maxClientsReached = "-ERR max number of clients reached\r\n"u8.ToArray();
    private static long s_nextClientId;

    public override Task OnConnectedAsync(ConnectionContext connection) => ServeAsync(connection, null);

    /// <summary>
    /// Serves a RESP client. With a PROXY protocol <paramref name="header"/>, its source and destination are the
    /// client's addresses (for CLIENT LIST, logs, per-address limits) and its identity may authenticate the client.
    /// </summary>
    public async Task ServeAsync(ConnectionContext connection, ProxyHeader? header)
    {
        string? peerIdentity = header?.Identity;
        var info = new ClientInfo(
            Interlocked.Increment(ref s_nextClientId),
            (header?.Source ?? connection.RemoteEndPoint)?.ToString() ?? "?",
            header?.Destination is { } destination ? () => destination.ToString() : () => connection.LocalEndPoint?.ToString() ?? "?")
        {
            Identity = peerIdentity,
            IdentityUser = dispatcher.Users.FindByIdentity(peerIdentity),
            IdentityBucket = metrics.Identities.BucketOf(peerIdentity),
        };
        if (connection is Transport.LoopConnection onLoop)
        {
            // Connection i of every node is opened by, and so lives on the loop of, the clients whose affinity picks it.
            info.Affinity = (int)((info.Id * onLoop.LoopCount + onLoop.Loop.Index) & int.MaxValue);
        }
        if (identity.ClientConnected() > options.Limits.MaxClients)
        {
            await RefuseAsync(connection, s_maxClientsReached, "max_clients").ConfigureAwait(false);
            Log.MaxClientsReached(logger, info.RemoteEndpoint, options.Limits.MaxClients);
            return;
        }
        string address = info.RemoteAddress;
        if (!perAddress.TryAdd(address))
        {
            byte[] error = System.Text.Encoding.ASCII.GetBytes(
                $"-ERR Slotgate: too many connections from {address} (limits.maxClientsPerAddress = {perAddress.Max})\r\n");
            await RefuseAsync(connection, error, "max_clients_per_address").ConfigureAwait(false);
            Log.MaxClientsPerAddressReached(logger, info.RemoteEndpoint, perAddress.Max);
            return;
        }
        var session = new ClientSession(connection.Transport, dispatcher, info, logger);
        metrics.ClientConnected();
        metrics.Identities.Connected(info.IdentityBucket);
        if (header is null)
        {
            Log.Connected(logger, info.Id, info.RemoteEndpoint);
        }
        else
        {
            Log.ConnectedThroughProxy(logger, info.Id, info.RemoteEndpoint, connection.RemoteEndPoint, header.Version, peerIdentity ?? "none", session.Authenticated ? info.User : "(not authenticated)");
        }
        // On shutdown the session stops reading new commands but still answers those already received (drain).
        using CancellationTokenRegistration stopping = shutdown.Draining.Register(
            static state => ((ConnectionContext)state!).Transport.Input.CancelPendingRead(), connection);
        // A client that never authenticates must not hold a connection (and its buffers) for ever.
        using ITimer? authTimeout = session.Authenticated || dispatcher.Users.Timeout <= TimeSpan.Zero
            ? null
            : TimeProvider.System.CreateTimer(static state => AbortIfUnauthenticated(state!), (session, connection, metrics, (ILogger)logger), dispatcher.Users.Timeout, Timeout.InfiniteTimeSpan);
        try
        {
            await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
        finally
        {
            identity.ClientDisconnected();
            metrics.Identities.Disconnected(info.IdentityBucket);
            perAddress.Remove(address);
            Log.Disconnected(logger, info.Id);
        }
    }

    /// <summary>As Redis does past maxclients: one error, then close; the client's own commands are never read.</summary>
    private async Task RefuseAsync(ConnectionContext connection, byte[] error, string reason)
    {
        try
        {
            connection.Transport.Output.Write(error);
            await connection.Transport.Output.FlushAsync().ConfigureAwait(false);
            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            identity.ClientDisconnected();
        }
        metrics.ClientRejected(reason);
    }

    private static void AbortIfUnauthenticated(object state)
    {
        var (session, connection, metrics, logger) = ((ClientSession, ConnectionContext, Diagnostics.SlotgateMetrics, ILogger))state;
        if (!session.Authenticated)
        {
            metrics.ClientRejected("auth_timeout");
            Log.AuthTimeout(logger, session.Info.Id);
            connection.Abort(new ConnectionAbortedException("not authenticated within auth.timeout"));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 640, Level = LogLevel.Warning, Message = "Client from {Address} refused: limits.maxClients ({Max}) reached")]
        public static partial void MaxClientsReached(ILogger logger, string address, int max);

        [LoggerMessage(EventId = 641, Level = LogLevel.Warning, Message = "Client from {Address} refused: limits.maxClientsPerAddress ({Max}) reached")]
        public static partial void MaxClientsPerAddressReached(ILogger logger, string address, int max);

        [LoggerMessage(EventId = 642, Level = LogLevel.Debug, Message = "Client {Id} connected from {Address}")]
        public static partial void Connected(ILogger logger, long id, string address);

        [LoggerMessage(EventId = 643, Level = LogLevel.Debug, Message = "Client {Id} connected from {Address} through {Proxy} (PROXY v{Version}), identity {Identity}, user {User}")]
        public static partial void ConnectedThroughProxy(ILogger logger, long id, string address, System.Net.EndPoint? proxy, int version, string identity, string user);

        [LoggerMessage(EventId = 644, Level = LogLevel.Debug, Message = "Client {Id} disconnected")]
        public static partial void Disconnected(ILogger logger, long id);

        [LoggerMessage(EventId = 645, Level = LogLevel.Debug, Message = "Client {Id} closed: not authenticated within auth.timeout")]
        public static partial void AuthTimeout(ILogger logger, long id);
    }
}
