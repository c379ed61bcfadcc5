using System.Buffers;

namespace Slotgate.Backend;

/// <summary>
/// FIFO placeholder for a reply nobody waits for: the <c>+OK</c> of an <c>ASKING</c> sent before a redirected command.
/// Stateless, so one instance serves every connection.
/// </summary>
internal sealed class DiscardRequest : BackendRequest
{
    public static DiscardRequest Instance { get; } = new();

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
    }

    public override void OnFailure(string error)
    {
    }
}
