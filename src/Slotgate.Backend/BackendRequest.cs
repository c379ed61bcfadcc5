using System.Buffers;
using Slotgate.Protocol;

namespace Slotgate.Backend;

/// <summary>
/// One command travelling to a Redis node. A connection writes <see cref="Frame"/>, keeps the request in its FIFO
/// and calls exactly one of <see cref="OnReply"/> or <see cref="OnFailure"/> for it, on its reader thread.
/// </summary>
internal abstract class BackendRequest
{
    public RequestFrame Frame { get; } = new();

    /// <summary>Precede the command with <c>ASKING</c> on the next send (an <c>-ASK</c> redirect is being followed).</summary>
    public bool Asking { get; set; }

    /// <summary>The node the request was last sent to; redirects with an empty host resolve against it.</summary>
    public string? SentTo { get; set; }

    /// <summary>
    /// A blocking command (BLPOP, XREAD BLOCK...) that may legitimately wait longer than the operation timeout; it
    /// travels on a dedicated connection and carries its own timeout.
    /// </summary>
    public bool Blocking { get; set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the last send, for the operation timeout.</summary>
    public long SentAt { get; set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> time the connection read the reply, set just before <see cref="OnReply(in ReadOnlySequence{byte})"/>.</summary>
    public long RepliedAt { get; set; }

    /// <summary>The node's reply: one complete RESP value, valid only during the call.</summary>
    public abstract void OnReply(in ReadOnlySequence<byte> reply);

    /// <summary>A reply lying in one buffer segment, as nearly all do; the same as the sequence form unless overridden.</summary>
    public virtual void OnReply(ReadOnlyMemory<byte> reply) => OnReply(new ReadOnlySequence<byte>(reply));

    /// <summary>The request could not be answered (connection lost, timeout, node unreachable).</summary>
    /// <param name="error">Error text without the leading '-', e.g. <c>ERR Slotgate: ...</c>.</param>
    public abstract void OnFailure(string error);
}
