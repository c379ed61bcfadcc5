using System.Buffers;
using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One blocking command travelling on a dedicated connection. It follows MOVED and ASK itself (a pinned command must
/// not fall back to a shared connection), hands the reply to the client's request, and returns the connection: to the
/// idle pool when Redis answered (the connection is clean again), closed when it failed or the client left mid-wait.
/// </summary>
internal sealed class PinnedForward : BackendRequest
{
    private readonly BlockingCommands _owner;
    private readonly ClientSession _session;
    private readonly ProxyRequest _client;
    private BackendConnection? _connection;
    private int _redirects;
    private int _finished;

    public PinnedForward(BlockingCommands owner, ClientSession session, ProxyRequest client)
    {
        _owner = owner;
        _session = session;
        _client = client;
        Blocking = true;
        Frame.CopyFrom(client.Frame);
    }

    public void Start()
    {
        string? endpoint = _owner.Router.PrimaryFor(_client.Slot);
        if (endpoint is null)
        {
            Finish("CLUSTERDOWN Hash slot not served", reusable: false);
            return;
        }
        _session.TrackPinned(this);
        SendTo(endpoint);
    }

    /// <summary>The dedicated connection the command waits on (null before it is sent or after it finished).</summary>
    public BackendConnection? Connection => _connection;

    /// <summary>The client went away while this command waits: close its connection so Redis forgets the wait.</summary>
    public void Abort() => _connection?.Close("the client disconnected while blocked");

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        if (reply.FirstSpan[0] == (byte)'-' && _redirects < _owner.Router.Settings.MaxRedirects)
        {
            RedirectKind kind = _owner.Router.ReadRedirect(reply, SentTo, out _, out string endpoint);
            if (kind is RedirectKind.Moved or RedirectKind.Ask)
            {
                _redirects++;
                BackendConnection previous = _connection!;
                Asking = kind == RedirectKind.Ask;
                _owner.Connections.Return(previous, reusable: true);
                SendTo(endpoint);
                return;
            }
        }
        _client.SetReply(reply);
        Finish(error: null, reusable: true);
    }

    public override void OnFailure(string error) => Finish(error, reusable: false);

    private void SendTo(string endpoint)
    {
        try
        {
            _connection = _owner.Connections.Rent(endpoint, _client.Resp3);
        }
        catch (ObjectDisposedException)
        {
            Finish("ERR Slotgate is shutting down", reusable: false);
            return;
        }
        _connection.Send(this);
    }

    private void Finish(string? error, bool reusable)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }
        if (error is not null)
        {
            _client.SetError(error);
        }
        if (_connection is { } connection)
        {
            _owner.Connections.Return(connection, reusable);
        }
        _session.UntrackPinned(this);
        _owner.Released();
        _client.Complete();
    }
}
