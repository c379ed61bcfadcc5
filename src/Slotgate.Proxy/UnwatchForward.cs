using System.Buffers;
using Slotgate.Backend;

namespace Slotgate.Proxy;

/// <summary>
/// Sends UNWATCH on a connection that held WATCHed keys and gives it back to the pool once Redis confirms; the client's
/// own reply (+OK) has already been given by Slotgate.
/// </summary>
internal sealed class UnwatchForward : BackendRequest
{
    private readonly DedicatedConnections _connections;
    private readonly BackendConnection _connection;

    public UnwatchForward(DedicatedConnections connections, BackendConnection connection)
    {
        _connections = connections;
        _connection = connection;
        Frame.Begin(1);
        Frame.AppendArg("UNWATCH"u8);
    }

    public void Start() => _connection.Send(this);

    public override void OnReply(in ReadOnlySequence<byte> reply) =>
        _connections.Return(_connection, reusable: reply.FirstSpan[0] == (byte)'+');

    public override void OnFailure(string error) => _connections.Return(_connection, reusable: false);
}
