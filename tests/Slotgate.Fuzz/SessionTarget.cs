using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Slotgate.Configuration;
using Slotgate.Protocol;
using Slotgate.Proxy;
using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Fuzz;

/// <summary>
/// Fuzz target 3: a whole <see cref="ClientSession"/> (parser, dispatcher, router, backend connections) over in-memory
/// pipes, against the in-memory Redis node. Each input is one connection: the bytes are written in random reads,
/// then the client half-closes. Invariants: the session ends within a bound and without an exception, it leaves the
/// client registry, its output is well-formed RESP, commands are answered in order (one reply each, checked against
/// what each known command must return), and a protocol error is answered with Redis's text and then the close.
/// </summary>
internal sealed class SessionTarget : IDisposable
{
    private const string Name = "session";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly string[] OneReplyNames = ["GET", "SET", "PING", "ECHO", "MGET", "EXISTS"];

    private readonly InMemoryProxy _proxy;
    private readonly CommandDispatcher _dispatcher;
    private readonly RequestFrame _frame = new();

    private SessionTarget(InMemoryProxy proxy)
    {
        _proxy = proxy;
        _dispatcher = proxy.Dispatcher;
    }

    public static SessionTarget Create() =>
        new(Task.Run(() => InMemoryProxy.StartAsync(["10.0.0.1:7000"], configure: options => options with
        {
            // Small limits, so that short inputs reach every limit check of the session's parser.
            Limits = new LimitsOptions { MaxBulkLength = 1024, MaxArguments = 64, MaxInlineLength = 256 },
            // Production's defaults: the fuzzer exercises the session as configured out of the box.
            Diagnostics = new DiagnosticsOptions(),
            Io = new IoOptions(),
        })).GetAwaiter().GetResult());

    public void RunOne(Random random)
    {
        byte[] input = RequestGenerator.Generate(random, maxCommands: 6, maxArgLength: 64, expected: null);
        if (random.Next(4) != 0)
        {
            input = Mutator.Mutate(random, input, 1 + random.Next(3));
        }
        Check(input, FuzzSegments.RandomCuts(random, input.Length, 4));
    }

    public void Check(byte[] input, int[] cuts)
    {
        byte[] output;
        try
        {
            // Off any synchronization context (a test runner's): the fuzzer blocks on each session in turn.
            output = Task.Run(() => RunSessionAsync(input, cuts)).GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new FuzzFailure(Name, $"session did not end within {Bound.TotalSeconds} s", input);
        }
        catch (Exception ex) when (ex is not FuzzFailure)
        {
            throw new FuzzFailure(Name, $"session threw {ex.GetType().Name}: {ex.Message}", input, ex);
        }
        if (_dispatcher.Clients.Count != 0)
        {
            throw new FuzzFailure(Name, $"{_dispatcher.Clients.Count} sessions still registered after the session ended", input);
        }
        CheckReplies(input, output);
    }

    private async Task<byte[]> RunSessionAsync(byte[] input, int[] cuts)
    {
        var (client, run) = _proxy.Connect();
        Task<byte[]> replies = ReadAllAsync(client.Input);
        int sent = 0;
        foreach (int cut in cuts.Append(input.Length))
        {
            await client.Output.WriteAsync(input.AsMemory(sent, cut - sent)).ConfigureAwait(false);
            sent = cut;
        }
        // The client half-closes: whatever the session still waits for never comes.
        await client.Output.CompleteAsync().ConfigureAwait(false);
        await run.WaitAsync(Bound).ConfigureAwait(false);
        return await replies.WaitAsync(Bound).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var bytes = new List<byte>();
        while (true)
        {
            ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                bytes.AddRange(segment.Span);
            }
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync().ConfigureAwait(false);
                return [.. bytes];
            }
        }
    }

    private void CheckReplies(byte[] input, byte[] output)
    {
        // What the session must have seen: the same parser, whole input.
        var parser = new RequestParser(_dispatcher.Limits);
        var commands = new List<byte[][]>();
        string? error = null;
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            while (parser.TryParse(ref buffer, _frame))
            {
                commands.Add([.. Enumerable.Range(0, _frame.ArgCount).Select(i => _frame.Arg(i).ToArray())]);
            }
        }
        catch (RespProtocolException ex)
        {
            error = ex.Message;
        }

        var replies = new List<byte[]>();
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(output));
        try
        {
            long start = 0;
            while (RespScanner.TrySkipValue(ref reader))
            {
                replies.Add(output[(int)start..(int)reader.Consumed]);
                start = reader.Consumed;
            }
        }
        catch (RespProtocolException ex)
        {
            throw new FuzzFailure(Name, $"the session's output is not RESP: {ex.Message}", input);
        }
        if (reader.Remaining != 0)
        {
            throw new FuzzFailure(Name, $"the session's output ends in an incomplete reply ({reader.Remaining} bytes)", input);
        }

        if (error is not null)
        {
            // Slotgate encodes its error text as UTF-8 and blanks CR and LF, as Redis's addReplyError does.
            byte[] expectedError = Encoding.UTF8.GetBytes("-ERR " + error.Replace('\r', ' ').Replace('\n', ' ') + "\r\n");
            if (replies.Count == 0 || !replies[^1].AsSpan().SequenceEqual(expectedError))
            {
                string last = replies.Count == 0 ? "nothing" : Encoding.Latin1.GetString(replies[^1]);
                throw new FuzzFailure(Name, $"protocol error '{error}' was not the last reply (got {last})", input);
            }
            replies.RemoveAt(replies.Count - 1);
        }
        if (!commands.All(IsOneReplyCommand))
        {
            return;
        }
        if (replies.Count != commands.Count)
        {
            throw new FuzzFailure(Name, $"{commands.Count} commands got {replies.Count} replies", input);
        }
        for (int i = 0; i < commands.Count; i++)
        {
            if (ExpectedReply(commands[i]) is { } expected && !replies[i].AsSpan().SequenceEqual(expected))
            {
                throw new FuzzFailure(Name, $"reply {i} is '{Encoding.Latin1.GetString(replies[i])}', expected '{Encoding.Latin1.GetString(expected)}'", input);
            }
        }
    }

    /// <summary>Commands known to get exactly one reply: those the generator emits, and names that are no command at all.</summary>
    private bool IsOneReplyCommand(byte[][] args)
    {
        string name = Encoding.Latin1.GetString(args[0]).ToUpperInvariant();
        return OneReplyNames.Contains(name) || (!args[0].Contains((byte)'|') && _dispatcher.Commands.Find(args[0]) is null);
    }

    /// <summary>The exact reply for the commands whose answer does not depend on the node's state, else null.</summary>
    private static byte[]? ExpectedReply(byte[][] args)
    {
        string name = Encoding.Latin1.GetString(args[0]).ToUpperInvariant();
        return (name, args.Length) switch
        {
            ("PING", 1) => "+PONG\r\n"u8.ToArray(),
            ("PING", 2) or ("ECHO", 2) => [.. Encoding.ASCII.GetBytes($"${args[1].Length}\r\n"), .. args[1], .. "\r\n"u8],
            ("GET", 2) => "$5\r\nvalue\r\n"u8.ToArray(),
            ("SET", 3) => "+OK\r\n"u8.ToArray(),
            _ => null,
        };
    }

    public void Dispose() => _proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
