namespace Slotgate.Protocol;

/// <summary>Outcome of reading one <c>&lt;prefix&gt;&lt;number&gt;\r\n</c> header line.</summary>
internal enum RespHeaderStatus
{
    /// <summary>The line was complete; the reader is past its CRLF.</summary>
    Ok,

    /// <summary>No CR yet within the allowed length: more bytes are needed.</summary>
    Incomplete,

    /// <summary>No CR within the allowed length although more bytes than that are present.</summary>
    TooLong,

    /// <summary>The CR was followed by something other than LF.</summary>
    BadTerminator,
}
