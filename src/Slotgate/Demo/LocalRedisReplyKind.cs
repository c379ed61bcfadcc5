namespace Slotgate.Demo;

/// <summary>The RESP2 reply types a Redis 7 server sends to a client that never said HELLO 3.</summary>
internal enum LocalRedisReplyKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    Null,
}
