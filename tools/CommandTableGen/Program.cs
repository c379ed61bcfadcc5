using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Slotgate.Tools.CommandTableGen;

// Entry point: see CommandTableGen.csproj for usage. Keeps the server handling here; the C# shape is the emitter's.
string output = "src/Slotgate.Commands/CommandTable.Generated.cs";
string? server = null;
string redisServer = "redis-server";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--output": output = args[++i]; break;
        case "--server": server = args[++i]; break;
        case "--redis-server": redisServer = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
            return 2;
    }
}

Process? throwaway = null;
try
{
    if (server is null)
    {
        int port = FreeLoopbackPort();
        throwaway = Process.Start(new ProcessStartInfo(redisServer)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("Could not start " + redisServer);
        server = "127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    using TcpClient client = await Connect(server);
    NetworkStream stream = client.GetStream();
    var reader = new RespValueReader(stream);

    await stream.WriteAsync(Encoding.ASCII.GetBytes("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"));
    string info = (string)reader.Read()!;
    string version = info.Split("\r\n").First(l => l.StartsWith("redis_version:", StringComparison.Ordinal))["redis_version:".Length..];

    await stream.WriteAsync(Encoding.ASCII.GetBytes("*1\r\n$7\r\nCOMMAND\r\n"));
    var commands = (List<object?>)reader.Read()!;

    await File.WriteAllTextAsync(output, CommandTableEmitter.Emit(commands, version));
    Console.WriteLine($"Wrote {commands.Count} commands from Redis {version} to {output}.");
    return 0;
}
finally
{
    if (throwaway is not null)
    {
        throwaway.Kill();
        await throwaway.WaitForExitAsync();
        throwaway.Dispose();
    }
}

static int FreeLoopbackPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task<TcpClient> Connect(string endpoint)
{
    int colon = endpoint.LastIndexOf(':');
    string host = endpoint[..colon];
    int port = int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    // A freshly started server needs a moment before it accepts connections.
    for (int attempt = 0; ; attempt++)
    {
        var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port);
            return client;
        }
        catch (SocketException) when (attempt < 50)
        {
            client.Dispose();
            await Task.Delay(100);
        }
    }
}
