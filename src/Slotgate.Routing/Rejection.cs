namespace Slotgate.Routing;

/// <summary>Answering a command with an error of Slotgate's own, before any node sees it.</summary>
internal static class Rejection
{
    /// <summary>
    /// Completes <paramref name="request"/> with <paramref name="error"/> (a RESP error line without its <c>-</c>),
    /// counted as a rejected call.
    /// </summary>
    public static void Reject(this ProxyRequest request, string error)
    {
        request.Rejected = true;
        request.SetError(error);
        request.Complete();
    }
}
