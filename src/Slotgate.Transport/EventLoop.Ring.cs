using System.Runtime.InteropServices;

namespace Slotgate.Transport;

/// <summary>Something with requests in flight on an <see cref="EventLoop"/>'s io_uring: told of each completion.</summary>
internal interface IRingHandler
{
    /// <summary>
    /// A request made with <see cref="EventLoop.RingData"/> for <paramref name="operation"/> completed. A provided
    /// buffer it names is valid until this returns, and is given back to the kernel then.
    /// </summary>
    void OnCompletion(byte operation, int result, uint flags);
}

/// <summary>
/// The event loop on io_uring (<c>io.transport: io_uring</c>). The loop's structure is the same as on epoll (posted
/// work, the batch, deferred work, then wait), but the wait is one <c>io_uring_enter</c> that submits every request the
/// batch queued (sends, receives re-armed) and waits for the next completion, and the batch is the completions it
/// finds. Descriptors registered the epoll way (listening sockets, connects in progress) are watched with one-shot
/// poll requests, re-armed after each report, which gives epoll's level-triggered reports.
/// </summary>
internal sealed unsafe partial class EventLoop
{
    private const byte OperationPoll = 1;
    private const byte OperationWake = 2;
    private const byte OperationIgnore = 3;

    /// <summary>The first operation number free for <see cref="IRingHandler"/>s.</summary>
    public const byte FirstHandlerOperation = 16;

    private readonly bool _useRing;
    private IoRing? _ring;
    private RingSlot[] _ringSlots = new RingSlot[64];
    private long* _wakeValue;

    private struct RingSlot
    {
        public IRingHandler? Handler;
        public int Fd;
        public uint Events;
        public bool PollArmed;
        public int Generation;
    }

    /// <summary>Whether this loop runs on io_uring rather than epoll.</summary>
    public bool UsesRing => _useRing;

    /// <summary>The loop's ring; only on the loop thread, and only when <see cref="UsesRing"/>.</summary>
    public IoRing Ring => _ring!;

    /// <summary>Gives <paramref name="handler"/> a slot its requests' completions are delivered by; on the loop thread.</summary>
    public int RegisterRing(IRingHandler handler)
    {
        int slot = AllocateSlot(null);
        _ringSlots[slot].Handler = handler;
        return slot;
    }

    /// <summary>Forgets a ring slot: completions still in flight for it are dropped (their buffers given back).</summary>
    public void ReleaseRing(int slot)
    {
        ref RingSlot entry = ref _ringSlots[slot];
        entry.Handler = null;
        entry.PollArmed = false;
        entry.Generation = (entry.Generation + 1) & 0xFFFFFF;
        ReleaseSlot(slot);
    }

    /// <summary>The <c>user_data</c> of a request for <paramref name="operation"/> by the holder of <paramref name="slot"/>.</summary>
    public ulong RingData(int slot, byte operation) =>
        (uint)slot | ((ulong)(uint)_ringSlots[slot].Generation << 32) | ((ulong)operation << 56);

    /// <summary>Asks the kernel to cancel the request with <paramref name="userData"/>; its completion says how it ended.</summary>
    public void CancelRing(ulong userData)
    {
        Native.Sqe* sqe = _ring!.NextSqe();
        sqe->Opcode = Native.UringOp.AsyncCancel;
        sqe->Fd = -1;
        sqe->Address = userData;
        sqe->UserData = (ulong)OperationIgnore << 56;
    }

    /// <summary>
    /// Queues an accept on listening socket <paramref name="fd"/> for the holder of <paramref name="slot"/>: its
    /// completion's result is the new descriptor (non-blocking, close-on-exec) or -errno, and the peer's address is in
    /// <paramref name="address"/> by then, its length in <paramref name="addressLength"/>. Both must stay valid until the
    /// completion, or until the loop stops (a cancelled accept completes too).
    /// </summary>
    public void QueueAccept(int slot, byte operation, int fd, byte* address, int* addressLength)
    {
        Native.Sqe* sqe = _ring!.NextSqe();
        sqe->Opcode = Native.UringOp.Accept;
        sqe->Fd = fd;
        sqe->Address = (ulong)address;
        sqe->Offset = (ulong)addressLength;
        sqe->OpFlags = (uint)(Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC);
        sqe->UserData = RingData(slot, operation);
    }

    /// <summary>
    /// Closes <paramref name="fd"/> in the loop's next <c>io_uring_enter</c> rather than with a system call of its own.
    /// The caller must queue nothing more for it: the number may belong to another socket once the close has run.
    /// </summary>
    public void QueueClose(int fd)
    {
        Native.Sqe* sqe = _ring!.NextSqe();
        sqe->Opcode = Native.UringOp.Close;
        sqe->Fd = fd;
        sqe->UserData = (ulong)OperationIgnore << 56;
    }

    private int AllocateSlot(IEventHandler? handler)
    {
        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Pop();
            _handlers[slot] = handler;
        }
        else
        {
            slot = _handlers.Count;
            _handlers.Add(handler);
        }
        if (_useRing && slot >= _ringSlots.Length)
        {
            Array.Resize(ref _ringSlots, _ringSlots.Length * 2);
        }
        return slot;
    }

    private void RegisterPoll(int slot, int fd, uint events)
    {
        ref RingSlot entry = ref _ringSlots[slot];
        entry.Fd = fd;
        entry.Events = events & ~Native.EPOLLEXCLUSIVE; // not a poll flag; every loop's request is woken
        ArmPoll(slot);
    }

    private void ArmPoll(int slot)
    {
        ref RingSlot entry = ref _ringSlots[slot];
        Native.Sqe* sqe = _ring!.NextSqe();
        sqe->Opcode = Native.UringOp.PollAdd;
        sqe->Fd = entry.Fd;
        sqe->OpFlags = entry.Events;
        sqe->UserData = RingData(slot, OperationPoll);
        entry.PollArmed = true;
    }

    private void ModifyPoll(int slot, uint events)
    {
        ref RingSlot entry = ref _ringSlots[slot];
        entry.Events = events;
        if (entry.PollArmed)
        {
            RemovePoll(slot); // re-armed with the new events when its completion arrives
        }
    }

    private void RemovePoll(int slot)
    {
        Native.Sqe* sqe = _ring!.NextSqe();
        sqe->Opcode = Native.UringOp.PollRemove;
        sqe->Fd = -1;
        sqe->Address = RingData(slot, OperationPoll);
        sqe->UserData = (ulong)OperationIgnore << 56;
    }

    private void UnregisterPoll(int slot)
    {
        if (_ringSlots[slot].PollArmed)
        {
            RemovePoll(slot); // closing a descriptor does not end io_uring's requests on it
        }
        ReleaseRing(slot);
    }

    private void ArmWake()
    {
        Native.Sqe* sqe = _ring!.NextSqe();
        sqe->Opcode = Native.UringOp.Read;
        sqe->Fd = _wake;
        sqe->Address = (ulong)_wakeValue;
        sqe->Length = sizeof(long);
        sqe->UserData = (ulong)OperationWake << 56;
    }

    /// <summary>Makes the ring on the loop thread (the ring is single-issuer: only its maker may submit).</summary>
    private void StartRing()
    {
        _wakeValue = (long*)NativeMemory.AllocZeroed(sizeof(long));
        _ring = new IoRing(1024, 8192);
        ArmWake();
        // Submitting the wake-up's read now also proves io_uring_enter is allowed: a sandbox that lets a ring be set up
        // but refuses to enter it must mean epoll at start-up, not a loop that stops at its first wait.
        int error = _ring.Enter(0);
        if (error < 0)
        {
            throw new IOException($"io_uring_enter failed (errno {-error})");
        }
    }

    private void StopRing()
    {
        if (_ring is { HasPending: true } ring)
        {
            ring.Enter(0); // what the last iteration queued (closes above all) still happens
        }
        _ring?.Dispose();
        _ring = null;
        NativeMemory.Free(_wakeValue);
        _wakeValue = null;
    }

    /// <summary>Submits the batch's requests and waits (or not, with work waiting); 0, or the errno it failed with.</summary>
    private int WaitRing(int timeout) => -_ring!.Enter(timeout == 0 ? 0u : 1u);

    /// <summary>Handles every completion the wait found; work they schedule runs after them all, as after an epoll batch.</summary>
    private void DrainRing()
    {
        IoRing ring = _ring!;
        while (ring.TryTakeCompletion(out Native.Cqe completion))
        {
            try
            {
                Complete(completion);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, ex, Index);
            }
            finally
            {
                if ((completion.Flags & Native.IORING_CQE_F_BUFFER) != 0)
                {
                    ring.ReturnBuffer((ushort)(completion.Flags >> Native.IORING_CQE_BUFFER_SHIFT));
                }
            }
        }
    }

    private void Complete(in Native.Cqe completion)
    {
        byte operation = (byte)(completion.UserData >> 56);
        if (operation == OperationWake)
        {
            if (!_stopping)
            {
                ArmWake();
            }
            return;
        }
        if (operation == OperationIgnore)
        {
            return;
        }
        int slot = (int)(uint)completion.UserData;
        int generation = (int)((completion.UserData >> 32) & 0xFFFFFF);
        if (slot >= _handlers.Count || _ringSlots[slot].Generation != generation)
        {
            return; // for a connection or registration that is gone
        }
        if (operation != OperationPoll)
        {
            _ringSlots[slot].Handler?.OnCompletion(operation, completion.Result, completion.Flags);
            return;
        }
        _ringSlots[slot].PollArmed = false;
        if (completion.Result > 0 && _handlers[slot] is { } handler)
        {
            handler.OnEvents((uint)completion.Result);
        }
        else if (completion.Result < 0 && completion.Result != -Native.ECANCELED && _handlers[slot] is { } failed)
        {
            failed.OnEvents(Native.EPOLLERR);
        }
        // Still registered (the handler may have unregistered, or re-registered the slot for something else):
        // watch again, so a descriptor still ready is reported again next time, as epoll's level-triggered mode does.
        if (_ringSlots[slot].Generation == generation && _handlers[slot] is not null && !_ringSlots[slot].PollArmed)
        {
            ArmPoll(slot);
        }
    }
}
