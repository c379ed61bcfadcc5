using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace Slotgate.Transport;

/// <summary>
/// The connection on an epoll loop: told which events fired for its socket, it receives straight into the input pipe's
/// block with <c>recv</c>, and sends with <c>send</c>, or one <c>sendmsg</c> gathering the output pipe's blocks.
/// </summary>
internal sealed partial class LoopConnection
{
    public void OnEvents(uint events)
    {
        if (_waitingWritable && (events & (Native.EPOLLOUT | Native.EPOLLERR | Native.EPOLLHUP)) != 0)
        {
            _waitingWritable = false;
            UpdateInterest();
            _writable.SetResult(true);
        }
        if (_reading && (events & (ReadEvents | Native.EPOLLERR | Native.EPOLLHUP)) != 0)
        {
            Receive();
        }
    }

    private unsafe void Receive()
    {
        PipeWriter writer = _input.Writer;
        Memory<byte> memory = writer.GetMemory(BlockPool.BlockSize / 2);
        nint received;
        fixed (byte* buffer = memory.Span)
        {
            received = Native.Receive(_fd, buffer, memory.Length, 0);
        }
        if (received > 0)
        {
            writer.Advance((int)received);
            FlushReceived();
            return;
        }
        if (received == 0)
        {
            EndInput(null);
            return;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno is Native.EAGAIN or Native.EINTR)
        {
            return;
        }
        EndInput(new ConnectionResetException($"receive failed (errno {errno})"));
        Abort();
    }

    private void UpdateInterest()
    {
        uint interest = (_reading ? ReadEvents : 0) | (_waitingWritable ? Native.EPOLLOUT : 0);
        if (interest != _interest && _slot >= 0 && !_fdClosed)
        {
            _interest = interest;
            _loop.Modify(_fd, interest, _slot);
        }
    }

    /// <summary>Sends from the start of <paramref name="buffer"/>; the bytes sent, or -1 when the socket is full.</summary>
    private unsafe long SendSome(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            return SendEach(buffer);
        }
        // Several segments (a batch of many clients' commands, a long reply): one sendmsg for up to 64 of them, rather
        // than a send, and a TCP segment with its wake-up of the peer, per 4 KiB block. Only the pool's blocks are
        // pinned (on the pinned heap); a segment that is not one ends the gather, and if it comes first it is sent alone.
        const int MaxVectors = 64;
        Native.IoVector* vectors = stackalloc Native.IoVector[MaxVectors];
        int count = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (segment.IsEmpty)
            {
                continue;
            }
            if (!BlockPool.TryGetPinned(segment, out byte* start))
            {
                break;
            }
            vectors[count].Base = start;
            vectors[count].Length = (nuint)segment.Length;
            if (++count == MaxVectors)
            {
                break;
            }
        }
        if (count < 2)
        {
            return SendEach(buffer);
        }
        Native.MessageHeader message = default;
        message.Vectors = vectors;
        message.VectorCount = (nuint)count;
        nint sent = Native.SendMessage(_fd, &message, Native.MSG_NOSIGNAL);
        if (sent >= 0)
        {
            return sent;
        }
        int errno = Marshal.GetLastPInvokeError();
        return errno switch
        {
            Native.EINTR => 0,
            Native.EAGAIN => -1,
            _ => throw new ConnectionResetException($"send failed (errno {errno})"),
        };
    }

    /// <summary>Sends segment by segment with <c>send</c>, until one is sent only in part.</summary>
    private unsafe long SendEach(in ReadOnlySequence<byte> buffer)
    {
        long total = 0;
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (segment.IsEmpty)
            {
                continue;
            }
            nint sent;
            fixed (byte* bytes = segment.Span)
            {
                sent = Native.Send(_fd, bytes, segment.Length, Native.MSG_NOSIGNAL);
            }
            if (sent < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Native.EINTR)
                {
                    return total;
                }
                if (errno == Native.EAGAIN)
                {
                    return total > 0 ? total : -1;
                }
                throw new ConnectionResetException($"send failed (errno {errno})");
            }
            total += sent;
            if (sent < segment.Length)
            {
                return total;
            }
        }
        return total;
    }
}
