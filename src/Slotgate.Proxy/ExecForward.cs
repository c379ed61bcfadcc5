using System.Buffers;
using Slotgate.Backend;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Runs one transaction: MULTI, the queued commands and EXEC written together on one dedicated connection to the
/// primary of the transaction's slot, with only EXEC's reply going to the client. If a queued command was redirected
/// (the slot moved or is migrating) Redis aborts the EXEC, nothing is applied, and the whole transaction is run again
/// on the new owner — unless keys were WATCHed on the old connection: then EXEC answers nil, Redis's "watched keys
/// changed, retry" signal, which is exactly what an optimistic-locking client must do next.
/// </summary>
internal sealed class ExecForward : BackendRequest
{
    private readonly DedicatedConnections _connections;
    private readonly ProxyRequest _client;
    private readonly List<RequestFrame> _commands;
    private readonly bool _watching;
    private readonly int _slot;
    private BackendConnection? _connection;
    private int _attempts;
    private volatile bool _redirected;
    private volatile bool _tryLater;

    public ExecForward(Router router, DedicatedConnections connections, ProxyRequest client, List<RequestFrame> commands, int slot, BackendConnection? watched)
    {
        Router = router;
        _connections = connections;
        _client = client;
        _commands = commands;
        _slot = slot;
        _watching = watched is not null;
        _connection = watched;
        Frame.Begin(1);
        Frame.AppendArg("EXEC"u8);
    }

    public Router Router { get; }

    public void Start()
    {
        if (_connection is null)
        {
            string? endpoint = Router.PrimaryFor(_slot);
            if (endpoint is null)
            {
                Finish("CLUSTERDOWN Hash slot not served", reusable: false);
                return;
            }
            _connection = _connections.Rent(endpoint, _client.Resp3);
        }
        _redirected = false;
        _tryLater = false;
        BackendConnection connection = _connection;
        connection.Send(new TransactionStep(this, frame: null));
        foreach (RequestFrame command in _commands)
        {
            connection.Send(new TransactionStep(this, command));
        }
        connection.Send(this);
    }

    public void OnStepError(RedirectKind kind)
    {
        if (kind is RedirectKind.Moved or RedirectKind.Ask or RedirectKind.TryAgain)
        {
            _redirected = true;
            _tryLater |= kind != RedirectKind.Moved;
        }
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        if (_redirected)
        {
            // EXEC was refused (EXECABORT) and nothing ran: EXEC and EXECABORT both leave the connection clean.
            _connections.Return(_connection!, reusable: true);
            _connection = null;
            if (_watching)
            {
                _client.ReplyWriter.Write("*-1\r\n"u8);
                Finish(error: null, reusable: false);
            }
            else if (++_attempts <= Router.Settings.MaxRedirects)
            {
                _ = RetryAsync();
            }
            else
            {
                Finish("EXECABORT Transaction discarded because its slot kept moving (resharding in progress).", reusable: false);
            }
            return;
        }
        _client.SetReply(reply);
        Finish(error: null, reusable: true);
    }

    public override void OnFailure(string error) =>
        Finish(error + "; the transaction may or may not have been applied", reusable: false);

    private async Task RetryAsync()
    {
        if (_tryLater)
        {
            // Mid-migration (ASK/TRYAGAIN): wait for the keys to settle on one node.
            await Task.Delay(Router.Settings.TryAgainDelay * (1 << Math.Min(_attempts, 6))).ConfigureAwait(false);
        }
        Start();
    }

    private void Finish(string? error, bool reusable)
    {
        if (error is not null)
        {
            _client.SetError(error);
        }
        if (_connection is { } connection)
        {
            _connections.Return(connection, reusable);
            _connection = null;
        }
        _client.Complete();
    }
}
