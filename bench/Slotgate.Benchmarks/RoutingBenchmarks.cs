using BenchmarkDotNet.Attributes;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Benchmarks;

/// <summary>
/// The routing decision for one command, step by step as <c>CommandDispatcher.Execute</c> and <c>Router.Dispatch</c>
/// take it: lookup, arity, route kind, slot of the keys, owner in the slot map. The dispatcher itself cannot be timed
/// alone: its forward path ends in <c>Router.Dispatch</c> → <c>BackendNode.Send</c> with no seam in between, so
/// its full cost is measured by the session benchmarks instead.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private readonly CommandTable _table = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);
    private readonly Dictionary<CommandInfo, CommandRoute> _routes = new(ReferenceEqualityComparer.Instance);
    private SlotMap _map = null!;
    private RequestFrame _get = null!;
    private RequestFrame _eval = null!;
    private int _slot;

    [GlobalSetup]
    public void Setup()
    {
        // Three primaries splitting the slots evenly, as a minimal production cluster has.
        _map = new SlotMap(
        [
            Shard("10.0.0.1:6379", 0, 5460),
            Shard("10.0.0.2:6379", 5461, 10922),
            Shard("10.0.0.3:6379", 10923, 16383),
        ], version: 1);
        // The dispatcher resolves routes once per command at start-up; do the same so the lookup is the steady-state one.
        foreach (CommandInfo command in _table.Commands)
        {
            _routes[command] = CommandRoutes.Find(command.Name.ToUpperInvariant()) ?? CommandRoute.Forward;
        }
        _get = Frames.Create("GET", "user:1000");
        _eval = Frames.Create("EVAL", "return redis.call('GET', KEYS[1])", "2", "{user}:a", "{user}:b", "arg");
        _slot = HashSlot.Of("user:1000"u8);
    }

    [Benchmark(Description = "SlotMap.GetShard")]
    public string? GetShard() => _map.GetShard(_slot)?.Primary.Endpoint;

    [Benchmark(Description = "Route decision GET")]
    public string? RouteGet() => Route(_get);

    [Benchmark(Description = "Route decision EVAL 2 keys")]
    public string? RouteEval() => Route(_eval);

    private string? Route(RequestFrame frame)
    {
        CommandInfo? command = _table.Find(frame);
        if (command is null || !command.HasValidArity(frame.ArgCount) ||
            !_routes.TryGetValue(command, out CommandRoute? route) || route.Kind != RouteKind.Forward)
        {
            return null;
        }
        Span<int> keys = stackalloc int[64];
        int count = command.FindKeys(frame, keys);
        int slot = HashSlot.None;
        for (int i = 0; i < count && slot != HashSlot.Multiple; i++)
        {
            slot = HashSlot.Combine(slot, HashSlot.Of(frame.Arg(keys[i])));
        }
        return slot < 0 ? null : _map.GetShard(slot)?.Primary.Endpoint;
    }

    private static Shard Shard(string endpoint, int from, int to) =>
        new(new ClusterNode(new string('a', 40), endpoint, IsPrimary: true), [], [new SlotRange(from, to)]);
}
