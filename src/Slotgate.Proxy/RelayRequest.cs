using System.Buffers;
using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>A command Slotgate sends on a client's behalf whose reply is the client's reply as it is.</summary>
internal sealed class RelayRequest : BackendRequest
{
    private readonly ProxyRequest _client;

    public RelayRequest(ProxyRequest client, params ReadOnlySpan<string> args)
    {
        _client = client;
        Frame.Set(args);
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        _client.SetReply(reply);
        _client.Complete();
    }

    public override void OnFailure(string error)
    {
        _client.SetError(error);
        _client.Complete();
    }
}
