using System.Buffers;
using Slotgate.Protocol;

namespace Slotgate.Backend;

/// <summary>A control-plane command (topology discovery, INFO) whose reply is awaited as a decoded <see cref="RespValue"/>.</summary>
internal sealed class ControlRequest : BackendRequest
{
    private readonly TaskCompletionSource<RespValue> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ControlRequest(params string[] args)
    {
        Frame.Set(args);
    }

    public Task<RespValue> Reply => _reply.Task;

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        try
        {
            _reply.TrySetResult(RespValue.Parse(reply));
        }
        catch (RespProtocolException ex)
        {
            _reply.TrySetException(ex);
        }
    }

    public override void OnFailure(string error) => _reply.TrySetException(new BackendException(error));
}
