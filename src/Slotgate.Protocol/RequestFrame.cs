using System.Buffers;
using System.Runtime.CompilerServices;

namespace Slotgate.Protocol;

/// <summary>
/// One client command as it will be forwarded: its RESP multibulk encoding (inline commands are
/// re-encoded as multibulk by the parser) and where each argument's payload sits inside it.
/// Instances are pooled and reused, so the buffers grow to the largest command seen and stay.
/// </summary>
internal sealed class RequestFrame
{
    private byte[] _buffer = new byte[256];
    private int[] _argOffsets = new int[8];
    private int[] _argLengths = new int[8];

    /// <summary>Number of bytes of the encoded command in <see cref="Bytes"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Number of arguments, the command name included.</summary>
    public int ArgCount { get; private set; }

    /// <summary>The whole command, encoded as a RESP array of bulk strings, ready to write to a backend.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Argument <paramref name="index"/>'s payload (0 is the command name).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Arg(int index)
    {
        if ((uint)index >= (uint)ArgCount)
        {
            ThrowArgIndex(index);
        }
        return _buffer.AsSpan(_argOffsets[index], _argLengths[index]);
    }

    public ReadOnlyMemory<byte> ArgMemory(int index)
    {
        if ((uint)index >= (uint)ArgCount)
        {
            ThrowArgIndex(index);
        }
        return _buffer.AsMemory(_argOffsets[index], _argLengths[index]);
    }

    /// <summary>Bytes the frame can hold before it has to grow (what a pooled frame keeps alive).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>
    /// Forgets the current command and drops buffers grown past <paramref name="maxBytes"/> (or past as many
    /// arguments), so that a pooled frame does not keep one rare large command's memory for the life of the process.
    /// </summary>
    public void ResetAndTrim(int maxBytes)
    {
        Reset();
        if (_buffer.Length > maxBytes)
        {
            _buffer = new byte[256];
        }
        if (_argOffsets.Length > maxBytes / 16)
        {
            _argOffsets = new int[8];
            _argLengths = new int[8];
        }
    }

    /// <summary>Forgets the current command; buffers are kept for reuse.</summary>
    public void Reset()
    {
        Length = 0;
        ArgCount = 0;
    }

    /// <summary>Starts a command of <paramref name="argCount"/> arguments; arguments are then appended in order.</summary>
    public void Begin(int argCount)
    {
        Reset();
        EnsureArgCapacity(argCount);
        AppendHeader((byte)'*', argCount);
    }

    /// <summary>Appends one argument, encoding it as a bulk string.</summary>
    public void AppendArg(ReadOnlySpan<byte> payload)
    {
        AppendHeader((byte)'$', payload.Length);
        RecordArg(Length, payload.Length);
        Append(payload);
        Append("\r\n"u8);
    }

    /// <summary>Appends one argument given as a sequence (a bulk string spanning several pipe segments).</summary>
    public void AppendArg(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            AppendArg(payload.FirstSpan);
            return;
        }
        int length = checked((int)payload.Length);
        AppendHeader((byte)'$', length);
        RecordArg(Length, length);
        EnsureCapacity(length + 2);
        payload.CopyTo(_buffer.AsSpan(Length));
        Length += length;
        Append("\r\n"u8);
    }

    /// <summary>
    /// Loads a multibulk command that the parser has already validated, copying it verbatim in one go and then
    /// indexing its arguments. Verbatim is right because a validated header is canonical (Redis's integer rules allow
    /// no leading zeros or signs), so re-encoding argument by argument would produce the same bytes, only slower.
    /// </summary>
    public void LoadMultibulk(in ReadOnlySequence<byte> encoded, int argCount)
    {
        Reset();
        EnsureArgCapacity(argCount);
        int length = checked((int)encoded.Length);
        EnsureCapacity(length);
        encoded.CopyTo(_buffer);
        Length = length;
        IndexArgs(argCount);
    }

    /// <inheritdoc cref="LoadMultibulk(in ReadOnlySequence{byte}, int)"/>
    public void LoadMultibulk(ReadOnlySpan<byte> encoded, int argCount)
    {
        Reset();
        EnsureArgCapacity(argCount);
        EnsureCapacity(encoded.Length);
        encoded.CopyTo(_buffer);
        Length = encoded.Length;
        IndexArgs(argCount);
    }

    /// <summary>
    /// Starts loading a multibulk command of <paramref name="argCount"/> arguments that the parser locates as it scans
    /// them (<see cref="AddScannedArg"/>), so they are found in one pass; <see cref="EndScanned"/> then copies the bytes.
    /// </summary>
    internal void BeginScanned(int argCount)
    {
        Reset();
        EnsureArgCapacity(argCount);
    }

    /// <summary>Records the next argument's payload at <paramref name="offset"/> in the command; at most the count given to <see cref="BeginScanned"/>.</summary>
    internal void AddScannedArg(int offset, int length)
    {
        _argOffsets[ArgCount] = offset;
        _argLengths[ArgCount] = length;
        ArgCount++;
    }

    /// <summary>Copies the command the scanned arguments lie in.</summary>
    internal void EndScanned(ReadOnlySpan<byte> encoded)
    {
        EnsureCapacity(encoded.Length);
        encoded.CopyTo(_buffer);
        Length = encoded.Length;
    }

    private void IndexArgs(int argCount)
    {
        ReadOnlySpan<byte> bytes = _buffer.AsSpan(0, Length);
        int position = bytes.IndexOf((byte)'\n') + 1;
        for (int i = 0; i < argCount; i++)
        {
            // Trusted input: "$<digits>\r\n<payload>\r\n".
            int argLength = 0;
            position++;
            while (bytes[position] != (byte)'\r')
            {
                argLength = (argLength * 10) + (bytes[position] - '0');
                position++;
            }
            position += 2;
            RecordArg(position, argLength);
            position += argLength + 2;
        }
    }

    /// <summary>Sets the frame to a command given as text arguments (control-plane commands Slotgate sends itself).</summary>
    public void Set(params ReadOnlySpan<string> args)
    {
        Begin(args.Length);
        Span<byte> scratch = stackalloc byte[256];
        foreach (string arg in args)
        {
            int length = System.Text.Encoding.UTF8.GetByteCount(arg);
            Span<byte> bytes = length <= scratch.Length ? scratch[..length] : new byte[length];
            System.Text.Encoding.UTF8.GetBytes(arg, bytes);
            AppendArg(bytes);
        }
    }

    /// <summary>A new frame holding <paramref name="args"/>, encoded.</summary>
    public static byte[] Encode(params ReadOnlySpan<string> args)
    {
        var frame = new RequestFrame();
        frame.Set(args);
        return frame.Bytes.ToArray();
    }

    /// <summary>Copies another frame (used when a command is re-sent or re-targeted).</summary>
    public void CopyFrom(RequestFrame other)
    {
        Begin(other.ArgCount);
        for (int i = 0; i < other.ArgCount; i++)
        {
            AppendArg(other.Arg(i));
        }
    }

    private void EnsureArgCapacity(int argCount)
    {
        if (_argOffsets.Length < argCount)
        {
            int size = Math.Max(argCount, _argOffsets.Length * 2);
            _argOffsets = new int[size];
            _argLengths = new int[size];
        }
    }

    private void RecordArg(int offset, int length)
    {
        if (ArgCount == _argOffsets.Length)
        {
            Array.Resize(ref _argOffsets, ArgCount * 2);
            Array.Resize(ref _argLengths, ArgCount * 2);
        }
        _argOffsets[ArgCount] = offset;
        _argLengths[ArgCount] = length;
        ArgCount++;
    }

    /// <summary>Appends a RESP header: <paramref name="prefix"/>, <paramref name="value"/> in decimal, CRLF.</summary>
    private void AppendHeader(byte prefix, int value)
    {
        Span<byte> header = stackalloc byte[16];
        header[0] = prefix;
        int n = RespFormatter.FormatInt(value, header[1..]);
        header[n + 1] = (byte)'\r';
        header[n + 2] = (byte)'\n';
        Append(header[..(n + 3)]);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    private void EnsureCapacity(int extra)
    {
        int needed = Length + extra;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
    }

    private static void ThrowArgIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "No such argument.");
}
