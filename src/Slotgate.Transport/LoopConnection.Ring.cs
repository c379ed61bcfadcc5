using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;

namespace Slotgate.Transport;

/// <summary>
/// The connection on an io_uring loop: one multishot receive stays armed, each completion naming a buffer from the
/// loop's provided-buffer ring whose bytes are copied into <see cref="LoopConnection.Input"/> (one copy of each byte
/// received, the price of sharing the buffers between every socket of the loop); sends are <c>send</c> requests (one
/// block) or <c>sendmsg</c> requests (several) over the output pipe's own pinned blocks, submitted with everything else the batch queued in the loop's next
/// <c>io_uring_enter</c>, and the bytes stay in the pipe until the kernel says it has sent them.
/// </summary>
internal sealed partial class LoopConnection : IRingHandler, IValueTaskSource, IValueTaskSource<long>
{
    private const byte OperationReceive = EventLoop.FirstHandlerOperation;
    private const byte OperationSend = EventLoop.FirstHandlerOperation + 1;
    private const byte OperationWritable = EventLoop.FirstHandlerOperation + 2;
    private const int MaxRingVectors = 64;
    private const uint PollOut = 0x004;

    private int _ringSlot = -1;
    private bool _receiveArmed;
    private bool _unflushed;
    private int _sendResult;
    private unsafe Native.MessageHeader* _sendMessage;
    private MemoryHandle _sendPin;

    private unsafe void StartRing()
    {
        _ringSlot = _loop.RegisterRing(this);
        ArmReceive();
        _ = SendLoopAsync();
    }

    private unsafe void ArmReceive()
    {
        Native.Sqe* sqe = _loop.Ring.NextSqe();
        sqe->Opcode = Native.UringOp.Receive;
        sqe->Fd = _fd;
        sqe->IoPriority = Native.IORING_RECV_MULTISHOT;
        sqe->Flags = Native.IOSQE_BUFFER_SELECT;
        sqe->BufferGroup = IoRing.BufferGroup;
        sqe->UserData = _loop.RingData(_ringSlot, OperationReceive);
        _receiveArmed = true;
    }

    /// <summary>Stops the multishot receive (its last completion, <c>ECANCELED</c>, clears <see cref="_receiveArmed"/>).</summary>
    private void CancelReceive()
    {
        if (_ringSlot >= 0 && _receiveArmed)
        {
            _loop.CancelRing(_loop.RingData(_ringSlot, OperationReceive));
        }
    }

    /// <summary>Before the descriptor closes: a receive still armed is cancelled (closing it would not end it).</summary>
    private void ReleaseRingSlot()
    {
        if (_ringSlot < 0)
        {
            return;
        }
        CancelReceive();
        _loop.ReleaseRing(_ringSlot);
        _ringSlot = -1;
        unsafe
        {
            NativeMemory.Free(_sendMessage); // the send side is done: no send is in flight
            _sendMessage = null;
        }
    }

    public unsafe void OnCompletion(byte operation, int result, uint flags)
    {
        if (operation == OperationSend || operation == OperationWritable)
        {
            _sendResult = operation == OperationSend ? result : int.MinValue;
            _writable.SetResult(true);
            return;
        }
        if ((flags & Native.IORING_CQE_F_MORE) == 0)
        {
            _receiveArmed = false;
        }
        if (result > 0)
        {
            Received(_loop.Ring.Buffer((int)(flags >> Native.IORING_CQE_BUFFER_SHIFT)), result);
        }
        else if (result == 0)
        {
            EndInput(null);
            return;
        }
        else if (result != -Native.ENOBUFS && result != -Native.ECANCELED)
        {
            EndInput(new ConnectionResetException($"receive failed (errno {-result})"));
            Abort();
            return;
        }
        // Out of provided buffers (every one was taken in this batch; they are back now), cancelled for backpressure
        // and read again since, or a multishot request the kernel ended: receive again.
        if (!_receiveArmed && _reading && !_inputDone && _ringSlot >= 0)
        {
            ArmReceive();
        }
    }

    private unsafe void Received(byte* data, int length)
    {
        if (_inputDone)
        {
            return;
        }
        PipeWriter writer = _input.Writer;
        while (length > 0)
        {
            Span<byte> span = writer.GetSpan(1);
            int chunk = Math.Min(span.Length, length);
            new ReadOnlySpan<byte>(data, chunk).CopyTo(span);
            writer.Advance(chunk);
            data += chunk;
            length -= chunk;
        }
        if (!_reading)
        {
            // The reader is behind and the receive is being cancelled: what arrives meanwhile waits unflushed.
            _unflushed = true;
            return;
        }
        FlushReceived();
    }

    private void ResumeReadingRing()
    {
        _reading = true;
        if (_unflushed)
        {
            _unflushed = false;
            FlushReceived();
            if (!_reading || _inputDone)
            {
                return;
            }
        }
        if (!_receiveArmed)
        {
            ArmReceive();
        }
    }

    /// <summary>What the send just awaited did: bytes sent, -1 when the socket was full (wait, then again), or throws.</summary>
    private long TakeRingSendResult()
    {
        _sendPin.Dispose();
        _sendPin = default;
        int sent = _sendResult;
        if (sent >= 0)
        {
            return sent;
        }
        return -sent switch
        {
            Native.EINTR => 0,
            Native.EAGAIN => -1,
            _ => throw new ConnectionResetException($"send failed (errno {-sent})"),
        };
    }

    /// <summary>
    /// Queues one <c>sendmsg</c> for up to 64 segments from the start of <paramref name="buffer"/>, completed when the
    /// kernel has sent them. The pool's blocks are pinned already; a segment that is not one ends the gather, and if it
    /// comes first it is pinned and sent alone.
    /// </summary>
    private unsafe ValueTask<long> SendOnRingAsync(in ReadOnlySequence<byte> buffer)
    {
        if (_sendMessage is null)
        {
            // Made at the first send (a client that is never answered costs none), kept until the connection closes:
            // the kernel reads the header and its vectors when the request is submitted, after this returns.
            _sendMessage = (Native.MessageHeader*)NativeMemory.AllocZeroed((nuint)(sizeof(Native.MessageHeader) + MaxRingVectors * sizeof(Native.IoVector)));
            _sendMessage->Vectors = (Native.IoVector*)(_sendMessage + 1);
        }
        Native.IoVector* vectors = _sendMessage->Vectors;
        int count = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (segment.IsEmpty)
            {
                continue;
            }
            if (!BlockPool.TryGetPinned(segment, out byte* start))
            {
                if (count == 0)
                {
                    _sendPin = segment.Pin();
                    vectors[0].Base = (byte*)_sendPin.Pointer;
                    vectors[0].Length = (nuint)segment.Length;
                    count = 1;
                }
                break;
            }
            vectors[count].Base = start;
            vectors[count].Length = (nuint)segment.Length;
            if (++count == MaxRingVectors)
            {
                break;
            }
        }
        _sendMessage->VectorCount = (nuint)count;
        _writable.Reset();
        Native.Sqe* sqe = _loop.Ring.NextSqe();
        sqe->Fd = _fd;
        sqe->OpFlags = Native.MSG_NOSIGNAL;
        if (count == 1)
        {
            // One buffer (a pipeline-1 reply, most sends): a plain send, which spares the kernel reading the header and
            // its vector.
            sqe->Opcode = Native.UringOp.Send;
            sqe->Address = (ulong)vectors[0].Base;
            sqe->Length = (uint)vectors[0].Length;
        }
        else
        {
            sqe->Opcode = Native.UringOp.SendMessage;
            sqe->Address = (ulong)_sendMessage;
        }
        sqe->UserData = _loop.RingData(_ringSlot, OperationSend);
        return new ValueTask<long>(this, _writable.Version);
    }

    /// <summary>After a send found the socket full (a non-blocking socket can say so): wait until it has room.</summary>
    private unsafe ValueTask WaitWritableOnRing()
    {
        _writable.Reset();
        Native.Sqe* sqe = _loop.Ring.NextSqe();
        sqe->Opcode = Native.UringOp.PollAdd;
        sqe->Fd = _fd;
        sqe->OpFlags = PollOut;
        sqe->UserData = _loop.RingData(_ringSlot, OperationWritable);
        return new ValueTask(this, _writable.Version);
    }

    // One awaitable for both transports: on epoll "the socket is writable again", on io_uring also "the send is done"
    // (its result is the bytes sent, or -1 for a full socket, as SendSome's).

    void IValueTaskSource.GetResult(short token) => _writable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _writable.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _writable.OnCompleted(continuation, state, token, flags);

    long IValueTaskSource<long>.GetResult(short token)
    {
        _writable.GetResult(token);
        return TakeRingSendResult();
    }

    ValueTaskSourceStatus IValueTaskSource<long>.GetStatus(short token) => _writable.GetStatus(token);

    void IValueTaskSource<long>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _writable.OnCompleted(continuation, state, token, flags);
}
