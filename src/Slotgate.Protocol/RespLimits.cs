namespace Slotgate.Protocol;

/// <summary>Bounds on what a client may send in one command. Defaults are Redis's own.</summary>
internal sealed record RespLimits
{
    /// <summary>Redis's <c>proto-max-bulk-len</c>: 512 MB.</summary>
    public long MaxBulkLength { get; init; } = 512L * 1024 * 1024;

    /// <summary>Largest argument count accepted in one multibulk command. Redis allows up to 2^31-1; Slotgate defaults to 1M.</summary>
    public int MaxArguments { get; init; } = 1024 * 1024;

    /// <summary>Redis's <c>PROTO_INLINE_MAX_SIZE</c>: 64 KB for an inline command line (and multibulk/bulk headers).</summary>
    public int MaxInlineLength { get; init; } = 64 * 1024;

    public static RespLimits Default { get; } = new();
}
