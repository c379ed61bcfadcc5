using System.Buffers;

namespace Slotgate.Backend;

/// <summary>Receives what a <see cref="PushConnection"/> reads.</summary>
internal interface IPushHandler
{
    /// <summary>One complete RESP frame, valid only during the call.</summary>
    void OnFrame(PushConnection connection, in ReadOnlySequence<byte> frame);

    /// <summary>The connection is gone (the node failed, or it was closed).</summary>
    void OnClosed(PushConnection connection, string error);
}
