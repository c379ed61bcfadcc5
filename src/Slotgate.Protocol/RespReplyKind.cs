namespace Slotgate.Protocol;

/// <summary>The type of a complete reply, from its first byte (and, for RESP2 nulls, its length).</summary>
internal enum RespReplyKind
{
    /// <summary>Not a RESP value (empty or unknown type byte).</summary>
    Invalid,
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,

    /// <summary><c>$-1</c>, <c>*-1</c> (RESP2) or <c>_</c> (RESP3).</summary>
    Null,
    Double,
    Boolean,
    BigNumber,
    BulkError,
    VerbatimString,
    Map,
    Set,
    Push,
    Attribute,
}
