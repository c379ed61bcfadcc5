using System.Buffers;
using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One primary's part of a command a node answers while a script keeps it busy (SCRIPT KILL, FUNCTION KILL, FUNCTION
/// STATS), sent on a dedicated connection: the shared connection to that primary may be the one whose EVAL or FCALL is
/// running, and a node reads nothing more from a connection while its script runs, so a kill queued behind the script
/// would wait for the script it is meant to stop.
/// </summary>
internal sealed class BusyNodeForward : BackendRequest
{
    private readonly ProxyRequest _part;
    private readonly DedicatedConnections _connections;
    private readonly BackendConnection _connection;

    private BusyNodeForward(ProxyRequest part, DedicatedConnections connections)
    {
        _part = part;
        _connections = connections;
        _connection = connections.Rent(part.Target!, learnClientId: false);
        Frame.CopyFrom(part.Frame);
    }

    /// <summary>Sends each of <paramref name="parent"/>'s parts (one per primary) on a connection of its own.</summary>
    public static void SendAll(ProxyRequest parent, Router router, DedicatedConnections connections)
    {
        parent.Router = router;
        parent.ExpectChildren();
        // As in Router.DispatchChildren: the parent may be merged and recycled once its last part completes.
        int count = parent.Children.Count;
        for (int i = 0; i < count; i++)
        {
            var forward = new BusyNodeForward(parent.Children[i], connections);
            forward._connection.Send(forward);
        }
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        _part.SetReply(reply);
        // One that never learned its node-side client id cannot serve a blocking command's CLIENT UNBLOCK later.
        _connections.Return(_connection, reusable: _connection.NodeClientId > 0);
        _part.Complete();
    }

    public override void OnFailure(string error)
    {
        _part.SetError(error);
        _connections.Return(_connection, reusable: false);
        _part.Complete();
    }
}
