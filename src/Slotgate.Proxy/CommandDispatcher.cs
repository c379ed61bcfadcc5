using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// Decides what happens to each parsed command: first the admission checks (<see cref="CommandAdmission"/>: Redis's
/// own errors for unknown commands, wrong arity and missing authentication, ACLs, subscribed mode, faults, prefix
/// routes, MULTI queueing), then the handler of the command's route (<see cref="RouteHandlers"/>: local answers, a
/// single-slot forward of the client's bytes as they are, a split by slot, a fan-out, Redis Cluster's
/// <c>-CROSSSLOT</c>...). Shared by all sessions; holds no per-client state.
/// </summary>
internal sealed class CommandDispatcher
{
    private readonly DispatcherServices _services;
    private readonly DispatcherSettings _settings;
    private readonly CommandRouteTable _routes;
    private readonly CommandAdmission _admission;
    private readonly RouteHandlers _handlers;
    private readonly Diagnostics.ShardedGauge _replyBytesWaiting = new(); // per thread: written per reply held

    public CommandDispatcher(DispatcherServices services, DispatcherSettings settings)
    {
        _services = services;
        _settings = settings;
        services.Metrics.Commands.Register(services.Commands);
        _routes = new CommandRouteTable(services.Commands, settings.DisabledCommands, settings.AllowDebug);
        _admission = new CommandAdmission(services, _routes, Monitors);
        Tracking = new TrackingService(services.PubSub, Clients, settings.TrackingTableMaxKeys, services.Logger);
        _handlers = new RouteHandlers(services, Clients, Tracking);
    }

    public RespLimits Limits => _settings.Limits;

    /// <summary>The users clients authenticate as; <see cref="UserDirectory.None"/> when authentication is off.</summary>
    public UserDirectory Users => _services.Users;

    /// <summary>Counters and slow log this dispatcher's sessions record into.</summary>
    public Diagnostics.SlotgateMetrics Metrics => _services.Metrics;

    /// <summary>The optional access log (logging.accessLog); null when off.</summary>
    public AccessLog? AccessLog => _services.AccessLog;

    public int MaxPendingCommands => _settings.MaxPendingCommands;

    /// <summary>Bytes of published messages a subscriber may leave unread before it is closed (limits.pubsubOutputBufferLimit; 0: no limit).</summary>
    public long PubSubOutputBufferLimit => _settings.PubSubOutputBufferLimit;

    /// <summary>Bytes of one client's commands awaiting replies before it must wait for earlier ones (limits.maxPendingBytesPerClient).</summary>
    public long MaxPendingBytesPerClient => _settings.MaxPendingBytesPerClient;

    /// <summary>Bytes of all clients' commands and unwritten replies before each client must wait for its earlier ones (limits.maxPendingBytes).</summary>
    public long MaxPendingBytes => _settings.MaxPendingBytes;

    /// <summary>Sessions wake their reply writers inline (event loops) rather than through the thread pool.</summary>
    public bool InlineReplies => _settings.InlineReplies;

    /// <summary>Bytes of final replies not yet written to their clients, over all sessions.</summary>
    public long ReplyBytesWaiting => _replyBytesWaiting.Value;

    public void AddReplyBytesWaiting(long bytes) => _replyBytesWaiting.Add(bytes);

    /// <summary>
    /// Whether the bytes held for all clients pass <see cref="MaxPendingBytes"/>, checked per command from the calling
    /// thread's estimates (each within <see cref="Diagnostics.ShardedGauge.Quantum"/> per other thread), so the check
    /// reads no counter another event loop writes per command.
    /// </summary>
    public bool OverPendingBytes => Metrics.InflightBytesEstimate + _replyBytesWaiting.Estimate > MaxPendingBytes;

    public CommandTable Commands => _services.Commands;

    /// <summary>Every connected client, by id.</summary>
    public ClientRegistry Clients { get; } = new();

    public Router Router => _services.Router;

    /// <summary>Client-side caching: who tracks which keys, and the nodes' invalidations.</summary>
    public TrackingService Tracking { get; }

    /// <summary>The clients in MONITOR mode, fed every command admitted.</summary>
    public MonitorFeed Monitors { get; } = new();

    /// <summary>A fresh transaction state for a session that uses WATCH or MULTI.</summary>
    public Transaction CreateTransaction() => new(_services.Blocking.Connections, _services.Router);

    /// <summary>A fresh pub/sub state for a session that subscribes.</summary>
    public Subscriptions CreateSubscriptions(ClientSession session) => new(session, _services.PubSub);

    /// <summary>
    /// Handles one command. Returns true for a command that must run on a dedicated connection (EXEC, WATCH, blocking
    /// commands): the session then waits until its earlier commands completed and calls <see cref="ExecutePinned"/>.
    /// </summary>
    public bool Execute(ClientSession session, ProxyRequest request) =>
        _admission.Admit(session, request, out CommandInfo? command, out CommandRoute? route) &&
        _handlers.Execute(session, request, command, route);

    /// <summary>Runs a command <see cref="Execute"/> deferred, once the client's earlier commands have completed.</summary>
    public void ExecutePinned(ClientSession session, ProxyRequest request)
    {
        CommandInfo command = _services.Commands.Find(request.Frame)!;
        _handlers.ExecutePinned(session, request, command, _routes.For(command).Kind);
    }
}
