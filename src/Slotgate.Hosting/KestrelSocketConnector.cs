using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;

namespace Slotgate.Hosting;

/// <summary>
/// Backend connections on Kestrel's own socket transport: the same pooled, inline-scheduled socket pipes that serve
/// the clients, rather than stream pipes over a <see cref="System.Net.Sockets.NetworkStream"/>.
/// </summary>
internal sealed class KestrelSocketConnector : IBackendConnector, IDisposable
{
    private readonly SocketConnectionContextFactory _factory;

    public KestrelSocketConnector(ILoggerFactory loggerFactory)
    {
        _factory = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), loggerFactory.CreateLogger<KestrelSocketConnector>());
    }

    public async Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        var socket = await BackendSockets.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        ConnectionContext connection = _factory.Create(socket);
        return new BackendTransport(connection.Transport, () =>
        {
            connection.Abort(new ConnectionAbortedException("Slotgate closed the backend connection"));
            _ = connection.DisposeAsync().AsTask();
        });
    }

    public void Dispose() => _factory.Dispose();
}
