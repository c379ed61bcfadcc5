namespace Slotgate.Protocol;

/// <summary>
/// Input that is not valid RESP. The message is the text after <c>-ERR </c>, worded as Redis words it
/// (e.g. <c>Protocol error: invalid bulk length</c>), so it can be sent to the client as is before closing.
/// </summary>
internal sealed class RespProtocolException(string message) : Exception(message);
