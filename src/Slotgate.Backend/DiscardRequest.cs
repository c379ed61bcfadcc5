using System.Buffers;

namespace Slotgate.Backend;

/// <summary>
/// FIFO placeholder for a reply nobody waits for: the <c>+OK</c> of an <c>ASKING</c> sent before a redirected command.
/// One per ASKING, since the operation timeout reads its send time.
/// </summary>
internal sealed class DiscardRequest : BackendRequest
{
    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
    }

    public override void OnFailure(string error)
    {
    }
}
