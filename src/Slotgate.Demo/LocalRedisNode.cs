using System.Diagnostics;
using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>
/// One redis-server process of a <see cref="LocalRedisCluster"/>, living in its own directory (redis.conf, nodes.conf,
/// redis.log). The directory survives <see cref="StopAsync"/>, so <see cref="StartAsync"/> brings back the same node id
/// and the node rejoins the cluster the way a restarted pod would.
/// </summary>
internal sealed class LocalRedisNode
{
    private const string ConfigFileName = "redis.conf";
    private const string LogFileName = "redis.log";

    private readonly string _serverPath;
    private readonly TimeSpan _commandTimeout;
    private readonly BoundedLineBuffer _consoleOutput = new(40);
    private Process? _process;

    internal LocalRedisNode(int index, int port, string directory, string serverPath, TimeSpan commandTimeout)
    {
        Index = index;
        Port = port;
        Directory = directory;
        _serverPath = serverPath;
        _commandTimeout = commandTimeout;
    }

    /// <summary>The node's requirepass/masterauth; the launcher's own commands authenticate with it.</summary>
    internal string? Password { get; init; }

    /// <summary>TLS-only node when set.</summary>
    internal LocalClusterTls? Tls { get; init; }

    /// <summary>Position in <see cref="LocalRedisCluster.Nodes"/>; stable for the life of the cluster.</summary>
    public int Index { get; }

    public int Port { get; }

    public string Host => "127.0.0.1";

    /// <summary><c>host:port</c>, the form cluster seeds and CLUSTER SLOTS use.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public string Directory { get; }

    public string LogPath => Path.Combine(Directory, LogFileName);

    /// <summary>The 40-character cluster node id; empty until the node has started once.</summary>
    public string NodeId { get; internal set; } = string.Empty;

    /// <summary>The role from the last topology read (start, convergence wait, failover, <see cref="LocalRedisCluster.RefreshAsync"/>).</summary>
    public LocalNodeRole Role { get; internal set; }

    /// <summary>For a replica, the node id of its primary as of the last topology read.</summary>
    public string? PrimaryNodeId { get; internal set; }

    public int? ProcessId => IsRunning ? _process!.Id : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts redis-server with this node's redis.conf (and the nodes.conf a previous run left, if any) and waits until it
    /// answers PING. Does nothing if the node is already running.
    /// </summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning)
        {
            return;
        }
        var info = new ProcessStartInfo(_serverPath)
        {
            WorkingDirectory = Directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Never share the host's stdin (the demo's console, CI's closed descriptor) with a child that does not read it.
            RedirectStandardInput = true,
        };
        info.ArgumentList.Add(Path.Combine(Directory, ConfigFileName));
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => _consoleOutput.Add(e.Data);
        process.ErrorDataReceived += (_, e) => _consoleOutput.Add(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new LocalClusterException($"start node {Endpoint}: could not run '{_serverPath}': {ex.Message}", ex);
        }
        ChildProcessRegistry.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilAnsweringAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Kills the process with SIGKILL and waits for it to exit. A crash is the failure the proxy must survive, and nothing
    /// is lost by not shutting down cleanly: Redis rewrites nodes.conf on every cluster change, and the launcher runs
    /// without persistence anyway. Does nothing if the node is not running.
    /// </summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        Process? process = _process;
        if (process is null)
        {
            return;
        }
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            ChildProcessRegistry.Remove(process);
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>
    /// Freezes the process with SIGSTOP: the node keeps its sockets open but answers nothing, the "stalled node" a
    /// proxy must time out on. <see cref="Resume"/> continues it.
    /// </summary>
    public void Pause() => Signal("STOP");

    /// <summary>Continues a node frozen by <see cref="Pause"/> (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        int pid = ProcessId ?? throw new LocalClusterException($"signal {signal}: {Endpoint} is not running.");
        using Process kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new LocalClusterException($"signal {signal}: could not run kill.");
        kill.WaitForExit();
    }

    /// <summary>Runs one command and returns its reply as redis-cli would print it; a RESP error throws <see cref="RedisErrorReplyException"/>.</summary>
    public async Task<string> ExecuteAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        RespValue reply = await SendAsync(args, ct).ConfigureAwait(false);
        return RedisCliText.Format(reply);
    }

    /// <summary>Runs one command and returns the decoded reply; a RESP error throws <see cref="RedisErrorReplyException"/>.</summary>
    public async Task<RespValue> SendAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        RespValue reply = await LocalRedisClient.SendAsync(Port, args, _commandTimeout, ct, Password, Tls).ConfigureAwait(false);
        if (reply.IsError)
        {
            throw new RedisErrorReplyException(Port, string.Join(' ', args.Take(3)), reply.Text ?? string.Empty);
        }
        return reply;
    }

    /// <summary>The last lines of redis.log plus anything the process printed before it opened its log.</summary>
    public string LogTail(int lines = 15)
    {
        var builder = new StringBuilder();
        builder.Append("--- ").Append(Endpoint).Append(IsRunning ? " (running)" : " (stopped)").Append(", ").Append(LogPath).Append(" ---\n");
        try
        {
            if (File.Exists(LogPath))
            {
                foreach (string line in File.ReadLines(LogPath).TakeLast(lines))
                {
                    builder.Append(line).Append('\n');
                }
            }
        }
        catch (IOException ex)
        {
            builder.Append("(log unreadable: ").Append(ex.Message).Append(")\n");
        }
        foreach (string line in _consoleOutput.Snapshot().TakeLast(lines))
        {
            builder.Append("console: ").Append(line).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>Writes redis.conf. Called once, before the first start; restarts reuse the file.</summary>
    internal void WriteConfig(TimeSpan nodeTimeout)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string config = string.Join('\n',
            "# Written by Slotgate's LocalRedisCluster; settings follow the reference deployment, minus persistence.",
            "bind 127.0.0.1",
            $"port {Port.ToString(CultureInfo.InvariantCulture)}",
            "protected-mode no",
            "daemonize no",
            $"dir \"{Directory}\"",
            $"logfile \"{LogFileName}\"",
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            $"cluster-node-timeout {((long)nodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}",
            "cluster-require-full-coverage no",
            "cluster-migration-barrier 1",
            "save \"\"",
            "appendonly no",
            // Redis 7 waits 5 s by default before a diskless full sync in case more replicas arrive; with one replica
            // per primary that only delays every replica attach and every rejoin.
            "repl-diskless-sync-delay 0",
            string.Empty);
        if (Password is not null)
        {
            config += string.Join('\n', $"requirepass \"{Password}\"", $"masterauth \"{Password}\"", string.Empty);
        }
        if (Tls is not null)
        {
            // TLS only: the plain port is closed, so nothing can reach the node without TLS by accident.
            config += string.Join('\n',
                "port 0",
                $"tls-port {Port.ToString(CultureInfo.InvariantCulture)}",
                $"tls-cert-file \"{Tls.CertFile}\"",
                $"tls-key-file \"{Tls.KeyFile}\"",
                $"tls-ca-cert-file \"{Tls.CaFile}\"",
                $"tls-auth-clients {Tls.AuthClients}",
                "tls-cluster yes",
                "tls-replication yes",
                string.Empty);
        }
        File.WriteAllText(Path.Combine(Directory, ConfigFileName), config);
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken ct)
    {
        // A node loading its dataset answers -LOADING; a just-spawned one refuses connections. Both mean "not yet".
        string last = "no attempt yet";
        while (true)
        {
            if (!IsRunning)
            {
                throw new LocalClusterException($"start node {Endpoint}: redis-server exited during start-up.\n{LogTail()}");
            }
            if (ct.IsCancellationRequested)
            {
                throw new LocalClusterException($"start node {Endpoint}: no PONG before the deadline (last: {last}).\n{LogTail()}");
            }
            try
            {
                RespValue reply = await LocalRedisClient.SendAsync(Port, ["PING"], _commandTimeout, ct, Password, Tls).ConfigureAwait(false);
                if (reply.Type == '+' && reply.Text == "PONG")
                {
                    return;
                }
                last = RedisCliText.Format(reply);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
            {
                last = ex.Message;
            }
            try
            {
                await Task.Delay(20, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Loop once more so the failure message carries the log tail.
            }
        }
    }

    public override string ToString() => $"{Endpoint} {Role} {(NodeId.Length >= 8 ? NodeId[..8] : NodeId)}";
}
