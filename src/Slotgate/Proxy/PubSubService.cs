using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>What every session's <see cref="Subscriptions"/> needs: how to reach nodes and where channels live.</summary>
internal sealed class PubSubService(IBackendConnector connector, BackendSettings settings, Router router, ILogger<PubSubService> logger)
{
    public Router Router => router;

    /// <summary>True when connections start with AUTH, whose reply the subscriber must skip.</summary>
    public int HandshakeReplies(bool resp3) => (settings.Password is { Length: > 0 } ? 1 : 0) + (resp3 ? 1 : 0);

    public PushConnection Connect(string endpoint, IPushHandler handler, bool resp3)
    {
        var connection = new PushConnection(endpoint, connector, settings, logger, handler, resp3);
        connection.Start();
        return connection;
    }
}
