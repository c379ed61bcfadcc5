namespace Slotgate.Protocol;

/// <summary>Outcome of reading a PROXY protocol header from the start of a connection.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>What has arrived is a valid beginning of a header: more bytes are needed.</summary>
    Incomplete,

    /// <summary>A whole, valid header; RESP starts right after it.</summary>
    Complete,

    /// <summary>Not a PROXY protocol header, or a malformed one: the connection must be closed.</summary>
    Invalid,
}
