namespace Slotgate.Controller.Runtime;

/// <summary>Back-off of an <see cref="Informer{T}"/> after failed lists and watches, and how long one watch request may last.</summary>
internal sealed record InformerOptions
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The watch's <c>timeoutSeconds</c>: the server ends the stream after this and it is reopened.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
