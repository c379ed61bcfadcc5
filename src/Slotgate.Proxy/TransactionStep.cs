using System.Buffers;
using Slotgate.Backend;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// MULTI or one queued command of a transaction, sent on its dedicated connection. Redis answers +OK / +QUEUED; a
/// redirect here means the slot is not (or no longer only) on this node, which makes Redis abort the EXEC that follows,
/// so the step just reports it to its transaction.
/// </summary>
internal sealed class TransactionStep : BackendRequest
{
    private readonly ExecForward _exec;

    public TransactionStep(ExecForward exec, RequestFrame? frame)
    {
        _exec = exec;
        if (frame is null)
        {
            Frame.Begin(1);
            Frame.AppendArg("MULTI"u8);
        }
        else
        {
            Frame.CopyFrom(frame);
        }
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        if (reply.FirstSpan[0] == (byte)'-')
        {
            _exec.OnStepError(_exec.Router.ReadRedirect(reply, SentTo, out _, out _));
        }
    }

    public override void OnFailure(string error)
    {
    }
}
