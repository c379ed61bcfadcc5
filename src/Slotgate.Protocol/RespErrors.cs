namespace Slotgate.Protocol;

/// <summary>
/// Protocol error texts. Request errors are worded exactly as Redis 7's <c>networking.c</c> words them, because clients
/// and tests match on them; the texts without a Redis counterpart say so.
/// </summary>
internal static class RespErrors
{
    public const string TooBigMultibulkCount = "Protocol error: too big mbulk count string";
    public const string InvalidMultibulkLength = "Protocol error: invalid multibulk length";
    public const string TooBigBulkCount = "Protocol error: too big bulk count string";
    public const string InvalidBulkLength = "Protocol error: invalid bulk length";
    public const string UnbalancedQuotes = "Protocol error: unbalanced quotes in request";
    public const string TooBigInline = "Protocol error: too big inline request";
    public const string UnauthenticatedMultibulkLength = "Protocol error: unauthenticated multibulk length";
    public const string UnauthenticatedBulkLength = "Protocol error: unauthenticated bulk length";

    // Redis skips the two bytes after a bulk payload without looking at them; Slotgate re-frames commands, so a
    // payload that is not followed by CRLF means the length was wrong and everything after it would be misread.
    public const string BulkNotTerminated = "Protocol error: expected CRLF after bulk payload";

    // A command whose encoding does not fit one array (2 GB); Redis has no such limit, so no Redis wording exists.
    public const string RequestTooLarge = "Protocol error: request too large";

    // Reply-side errors (a backend sent something that is not RESP); Redis never parses replies, so these are ours.
    public const string InvalidReplyLength = "Protocol error: invalid length in reply";
    public const string ReplyNotTerminated = "Protocol error: reply element not terminated by CRLF";
    public const string InvalidReplyLine = "Protocol error: invalid value in reply";

    public static string ExpectedDollar(byte got) => $"Protocol error: expected '$', got '{(char)got}'";

    public static string UnexpectedReplyType(byte got) => $"Protocol error: unexpected reply type byte '{(char)got}'";
}
