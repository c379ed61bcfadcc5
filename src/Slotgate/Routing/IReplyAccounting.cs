namespace Slotgate.Routing;

/// <summary>
/// Told the size of each top-level reply as it becomes final, before the client has taken it: the session counts
/// those bytes against its byte budget until it has written them to the client.
/// </summary>
internal interface IReplyAccounting
{
    void ReplyReady(int bytes);
}
