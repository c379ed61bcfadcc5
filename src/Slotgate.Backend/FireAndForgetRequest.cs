using System.Buffers;

namespace Slotgate.Backend;

/// <summary>A command whose reply nobody needs (a script load ahead of a retried EVALSHA on the same connection).</summary>
internal sealed class FireAndForgetRequest : BackendRequest
{
    public FireAndForgetRequest(params ReadOnlySpan<byte[]> args)
    {
        Frame.Begin(args.Length);
        foreach (byte[] arg in args)
        {
            Frame.AppendArg(arg);
        }
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
    }

    public override void OnFailure(string error)
    {
    }
}
