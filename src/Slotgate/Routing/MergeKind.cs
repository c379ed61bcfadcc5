namespace Slotgate.Routing;

/// <summary>How the replies of a split or fanned-out command become the one reply Redis would have given.</summary>
internal enum MergeKind
{
    None,

    /// <summary>MGET: an array with every key's value in the order the client asked.</summary>
    Values,

    /// <summary>MSET, FLUSHALL: <c>+OK</c> when every part said OK, otherwise the first error.</summary>
    AllOk,

    /// <summary>DEL, UNLINK, EXISTS, TOUCH, DBSIZE: the sum of the integer replies.</summary>
    Sum,

    /// <summary>INFO: Slotgate's own sections (<see cref="ProxyRequest.InfoPrefix"/>) and the keyspace summed over primaries.</summary>
    Info,
}
