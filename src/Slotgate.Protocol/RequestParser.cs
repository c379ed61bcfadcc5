using System.Buffers;

namespace Slotgate.Protocol;

/// <summary>
/// Parses client commands, multibulk or inline, out of a connection's receive buffer. One instance per connection:
/// it remembers how far it got into an incomplete command, so that a command arriving in many reads is scanned once in
/// total rather than once per read (a 1M-argument MSET or a 100 MB value must not cost O(n²)).
/// </summary>
/// <remarks>
/// Contract (Garnet's): <c>false</c> means more bytes are needed; <c>true</c> means one command is in the frame and the
/// buffer has been sliced past it; <see cref="RespProtocolException"/> means the input is not RESP, and the caller
/// should reply <c>-ERR {message}</c> and close. After <c>false</c>, the next call must be given the same buffer
/// start (the unconsumed bytes plus whatever arrived since), which is what a <c>PipeReader</c> loop does naturally.
/// Empty commands (<c>*0</c>, <c>*-1</c>, blank inline lines) are skipped as Redis skips them, and count as consumed
/// even when <c>false</c> is returned, so a client sending only blank lines cannot make the buffer grow.
/// </remarks>
internal sealed class RequestParser(RespLimits limits)
{
    // Resume state for an incomplete command; offsets are relative to the start of the buffer given on the next call.
    private long _resumeAt;
    private int _argCount;
    private int _argsScanned;
    private bool _inInline;

    public RequestParser()
        : this(RespLimits.Default)
    {
    }

    public RespLimits Limits => limits;

    /// <summary>Redis's limits for a client that has not authenticated yet: at most this many arguments...</summary>
    public const int UnauthenticatedMaxArguments = 10;

    /// <summary>...and bulk strings of at most this many bytes, so an unauthenticated client cannot make us buffer megabytes.</summary>
    public const int UnauthenticatedMaxBulkLength = 16 * 1024;

    /// <summary>While true, the tighter limits for unauthenticated clients apply (Redis 7 has the same two).</summary>
    public bool Unauthenticated { get; set; }

    /// <summary>Forgets any partly scanned command (e.g. when the buffer is discarded).</summary>
    public void Reset()
    {
        _resumeAt = 0;
        _argCount = 0;
        _argsScanned = 0;
        _inInline = false;
    }

    /// <summary>Parses the next command in <paramref name="buffer"/> into <paramref name="frame"/>.</summary>
    public bool TryParse(ref ReadOnlySequence<byte> buffer, RequestFrame frame)
    {
        try
        {
            return TryParseCore(ref buffer, frame);
        }
        catch (RespProtocolException)
        {
            Reset();
            throw;
        }
    }

    /// <summary>
    /// The usual case, tried before <see cref="TryParse"/>: a whole ordinary multibulk command at the start of
    /// <paramref name="span"/>, found and indexed in one pass. False (nothing consumed, the frame empty) whenever
    /// anything is unusual, incomplete or wrong, for the general parser to judge, with its exact errors.
    /// </summary>
    public bool TryParseWhole(ReadOnlySpan<byte> span, RequestFrame frame, out int length)
    {
        length = 0;
        if (_argCount != 0 || _inInline || _resumeAt != 0 || Unauthenticated || span.IsEmpty || span[0] != (byte)'*')
        {
            return false;
        }
        length = ScanContiguous(span, frame);
        if (length == 0)
        {
            frame.Reset(); // the scan may have recorded arguments before it gave up
            return false;
        }
        return true;
    }

    private bool TryParseCore(ref ReadOnlySequence<byte> buffer, RequestFrame frame)
    {
        if (TryParseWhole(buffer.FirstSpan, frame, out int whole))
        {
            buffer = buffer.Slice(whole);
            return true;
        }
        var reader = new SequenceReader<byte>(buffer);
        if (_resumeAt > reader.Remaining)
        {
            // The caller broke the contract (gave us a different buffer); start over rather than read garbage.
            Reset();
        }
        reader.Advance(_resumeAt);
        long commandStart = 0;

        while (true)
        {
            if (_argCount == 0 && !_inInline)
            {
                commandStart = reader.Consumed;
                _resumeAt = commandStart;
                if (!reader.TryPeek(out byte first))
                {
                    return NeedMore(ref buffer, commandStart);
                }
                if (first != (byte)'*')
                {
                    // Redis treats anything not starting with '*' as an inline command.
                    _inInline = true;
                }
                else if (!TryReadArrayHeader(ref reader))
                {
                    return NeedMore(ref buffer, commandStart);
                }
                else if (_argCount == 0)
                {
                    continue;
                }
            }

            if (_inInline)
            {
                switch (TryScanInline(ref reader, commandStart, frame))
                {
                    case InlineResult.NeedMore:
                        return NeedMore(ref buffer, commandStart);
                    case InlineResult.Empty:
                        continue;
                }
                buffer = buffer.Slice(reader.Position);
                Reset();
                return true;
            }

            if (!TryScanBulks(ref reader))
            {
                return NeedMore(ref buffer, commandStart);
            }
            long length = reader.Consumed - commandStart;
            if (length > Array.MaxLength)
            {
                throw new RespProtocolException(RespErrors.RequestTooLarge);
            }
            frame.LoadMultibulk(buffer.Slice(commandStart, length), _argCount);
            buffer = buffer.Slice(reader.Position);
            Reset();
            return true;
        }
    }

    /// <summary>
    /// The length of the multibulk command at the start of <paramref name="span"/> when it is whole there and plainly
    /// valid (positive counts and lengths of at most nine digits, within the limits); 0 for anything else, incomplete
    /// or doubtful, which the general path then parses with its exact errors and resume state. Each argument is
    /// recorded in <paramref name="frame"/> as it is found, so the command is scanned once.
    /// </summary>
    private int ScanContiguous(ReadOnlySpan<byte> span, RequestFrame frame)
    {
        int maxHeader = limits.MaxInlineLength; // a header's CR must lie within this many bytes of its type byte
        int position = 1;
        int count = RespHeader.ReadShortNumber(span, ref position);
        if (count <= 0 || count > limits.MaxArguments || position - 2 >= maxHeader)
        {
            return 0;
        }
        if (count > (span.Length - position) / 6)
        {
            return 0; // cannot all be here ("$0\r\n\r\n" is the shortest argument): don't size the frame for them
        }
        long maxBulk = limits.MaxBulkLength;
        frame.BeginScanned(count);
        for (int i = 0; i < count; i++)
        {
            int header = position;
            if ((uint)header >= (uint)span.Length || span[header] != (byte)'$')
            {
                return 0;
            }
            position++;
            int length = RespHeader.ReadShortNumber(span, ref position);
            if (length < 0 || length > maxBulk || position - 2 - header >= maxHeader || span.Length - position - 2 < length)
            {
                return 0;
            }
            frame.AddScannedArg(position, length);
            position += length;
            if (span[position] != (byte)'\r' || span[position + 1] != (byte)'\n')
            {
                return 0;
            }
            position += 2;
        }
        frame.EndScanned(span[..position]);
        return position;
    }

    /// <summary>Reads <c>*N\r\n</c>; false when incomplete. Sets <see cref="_argCount"/> (0 for an empty or null array).</summary>
    private bool TryReadArrayHeader(ref SequenceReader<byte> reader)
    {
        switch (RespHeader.Read(ref reader, limits.MaxInlineLength, out _, out long count, out bool isNumber))
        {
            case RespHeaderStatus.Incomplete:
                return false;
            case RespHeaderStatus.TooLong:
                throw new RespProtocolException(RespErrors.TooBigMultibulkCount);
            case RespHeaderStatus.BadTerminator:
                throw new RespProtocolException(RespErrors.InvalidMultibulkLength);
        }
        if (!isNumber || count > limits.MaxArguments)
        {
            throw new RespProtocolException(RespErrors.InvalidMultibulkLength);
        }
        if (Unauthenticated && count > UnauthenticatedMaxArguments)
        {
            throw new RespProtocolException(RespErrors.UnauthenticatedMultibulkLength);
        }
        // Redis skips "*0" and negative counts without replying.
        _argCount = count > 0 ? (int)count : 0;
        _argsScanned = 0;
        return true;
    }

    /// <summary>Validates the remaining <c>$len\r\n payload \r\n</c> arguments; false (progress kept) when incomplete.</summary>
    private bool TryScanBulks(ref SequenceReader<byte> reader)
    {
        while (_argsScanned < _argCount)
        {
            _resumeAt = reader.Consumed;
            RespHeaderStatus status = RespHeader.Read(
                ref reader, limits.MaxInlineLength, out byte prefix, out long length, out bool isNumber);
            if (status == RespHeaderStatus.Incomplete)
            {
                return false;
            }
            if (status == RespHeaderStatus.TooLong)
            {
                throw new RespProtocolException(RespErrors.TooBigBulkCount);
            }
            // Redis checks the type byte before the number.
            if (prefix != (byte)'$')
            {
                throw new RespProtocolException(RespErrors.ExpectedDollar(prefix));
            }
            if (status == RespHeaderStatus.BadTerminator || !isNumber || length < 0 || length > limits.MaxBulkLength)
            {
                throw new RespProtocolException(RespErrors.InvalidBulkLength);
            }
            if (Unauthenticated && length > UnauthenticatedMaxBulkLength)
            {
                throw new RespProtocolException(RespErrors.UnauthenticatedBulkLength);
            }
            // Compare with what is buffered instead of walking the payload: re-attempting an incomplete 100 MB value
            // costs one header parse, not a scan of everything received so far.
            // (A subtraction, because length + 2 overflows when maxBulkLength is configured near long.MaxValue.)
            if (reader.Remaining - 2 < length)
            {
                return false;
            }
            reader.Advance(length);
            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                throw new RespProtocolException(RespErrors.BulkNotTerminated);
            }
            _argsScanned++;
        }
        _resumeAt = reader.Consumed;
        return true;
    }

    /// <summary>Finds the end of an inline line and splits it. The line may hold at most MaxInlineLength bytes before its LF.</summary>
    private InlineResult TryScanInline(ref SequenceReader<byte> reader, long commandStart, RequestFrame frame)
    {
        long scanned = reader.Consumed - commandStart;
        // Look only as far as a legal line can reach, so garbage without a newline is rejected after a bounded scan and
        // the verdict does not depend on how the bytes were split into reads (Redis's own check does).
        long window = Math.Min(reader.Remaining, limits.MaxInlineLength + 1L - scanned);
        SequencePosition? newline = window > 0 ? reader.UnreadSequence.Slice(0, window).PositionOf((byte)'\n') : null;
        if (newline is null)
        {
            if (scanned + reader.Remaining > limits.MaxInlineLength)
            {
                throw new RespProtocolException(RespErrors.TooBigInline);
            }
            reader.AdvanceToEnd();
            _resumeAt = reader.Consumed;
            return InlineResult.NeedMore;
        }

        ReadOnlySequence<byte> line = reader.Sequence.Slice(reader.Sequence.GetPosition(commandStart), newline.Value);
        reader.Advance(line.Length - scanned + 1);
        _inInline = false;
        _resumeAt = 0;
        int count;
        if (line.IsSingleSegment)
        {
            count = InlineCommandSplitter.Split(TrimCarriageReturn(line.FirstSpan), frame);
        }
        else
        {
            byte[] copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
            try
            {
                line.CopyTo(copy);
                count = InlineCommandSplitter.Split(TrimCarriageReturn(copy.AsSpan(0, (int)line.Length)), frame);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }
        return count == 0 ? InlineResult.Empty : InlineResult.Parsed;
    }

    // "\r\n" and a bare "\n" both end an inline line; only one CR is part of the terminator.
    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        !line.IsEmpty && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>
    /// Consumes skipped empty commands, keeps the incomplete one (which starts at <paramref name="commandStart"/>), and
    /// rebases the resume point so that it is relative to the buffer the caller will pass next time.
    /// </summary>
    private bool NeedMore(ref ReadOnlySequence<byte> buffer, long commandStart)
    {
        if (commandStart > 0)
        {
            buffer = buffer.Slice(commandStart);
            _resumeAt -= commandStart;
        }
        return false;
    }
}
