using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Slotgate.Hosting;

/// <summary>
/// Turns a Kestrel listener into a RESP-over-TLS listener: Kestrel's TLS middleware (it serves any connection
/// handler, not only HTTP) with the handshake settings taken per connection from <see cref="TlsListenerCertificates"/>.
/// </summary>
internal static partial class TlsListener
{
    private const string HandshakeDoneItem = "slotgate.tls.done";

    /// <summary>Kestrel's default; a client that opens a TCP connection and never says hello is dropped after it.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static void Configure(ListenOptions listener, TlsListenerCertificates certificates, ILogger logger)
    {
        // Outermost: Kestrel's TLS middleware ends a connection whose handshake failed without calling what follows it
        // (and logs that only at Debug under Microsoft.*). This notices and says who it was, once, without any secret.
        listener.Use(next => async connection =>
        {
            await next(connection).ConfigureAwait(false);
            if (!connection.Items.ContainsKey(HandshakeDoneItem))
            {
                string reason = connection.Items.TryGetValue(TlsListenerCertificates.FailureItem, out object? why) && why is string text
                    ? text
                    : "handshake failed or timed out (not a TLS client, no common protocol, or a certificate the client rejected)";
                Log.HandshakeFailed(logger, connection.RemoteEndPoint, connection.LocalEndPoint, reason);
            }
        });
        listener.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = context => new ValueTask<System.Net.Security.SslServerAuthenticationOptions>(certificates.CreateOptions(context.Connection)),
            HandshakeTimeout = HandshakeTimeout,
        });
        listener.Use(next => connection =>
        {
            connection.Items[HandshakeDoneItem] = true;
            return next(connection);
        });
        listener.UseConnectionHandler<RespConnectionHandler>();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 650, Level = LogLevel.Debug, Message = "TLS handshake with {Peer} on {Listener} failed: {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, System.Net.EndPoint? peer, System.Net.EndPoint? listener, string reason);
    }
}
