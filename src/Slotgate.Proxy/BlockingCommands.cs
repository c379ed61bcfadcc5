using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Runs blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN/MAX, BZMPOP, XREAD/XREADGROUP with
/// BLOCK) on a backend connection of their own, so a client waiting for data never delays the commands other clients
/// pipeline to the same node. The number of clients blocked at once is bounded.
/// </summary>
internal sealed class BlockingCommands(DedicatedConnections connections, Router router, int maxBlockedClients)
{
    private int _blocked;

    public DedicatedConnections Connections => connections;

    public Router Router => router;

    /// <summary>Clients waiting in a blocking command right now.</summary>
    public int Blocked => Volatile.Read(ref _blocked);

    public void Execute(ClientSession session, ProxyRequest request)
    {
        if (Interlocked.Increment(ref _blocked) > maxBlockedClients)
        {
            Interlocked.Decrement(ref _blocked);
            request.SetError($"ERR Slotgate: too many blocked clients (limits.maxBlockedClients = {maxBlockedClients})");
            request.Complete();
            return;
        }
        var forward = new PinnedForward(this, session, request);
        forward.Start();
    }

    public void Released() => Interlocked.Decrement(ref _blocked);
}
