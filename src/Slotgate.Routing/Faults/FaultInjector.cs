using System.Diagnostics.Metrics;
using Slotgate.Configuration;
using Slotgate.Routing;

namespace Slotgate.Faults;

/// <summary>
/// Envoy-style fault injection: for each command one random draw from 0 to 100 is compared with the faults that cover
/// the command, in configured order, their percentages adding up (so two 30 % faults on GET fault 60 % of GETs, each
/// half of those). Only built when faults are configured; the dispatcher holds null otherwise, so the usual path pays
/// one null check.
/// </summary>
internal sealed class FaultInjector : IDisposable
{
    public const string MeterName = "Slotgate.Faults";

    /// <summary>What an error fault answers. Says where the error came from, so nobody debugs Redis for it.</summary>
    public const string ErrorReply = "ERR Slotgate: fault injected (faults configuration)";

    private static readonly KeyValuePair<string, object?> ErrorTag = new("type", "error");
    private static readonly KeyValuePair<string, object?> DelayTag = new("type", "delay");

    private readonly FaultRule[] _rules;
    private readonly Meter _meter;
    private readonly Counter<long> _injected;
    private long _errors;
    private long _delays;

    private readonly bool _ownsMeter;

    private FaultInjector(IReadOnlyList<FaultOptions> faults, Meter? meter)
    {
        _rules = [.. faults.Select(f => new FaultRule(f.Type == "error", f.Percent, f.Delay, f.Commands))];
        // On the server's own meter when given, so /metrics and OTLP export the counter with everything else.
        _ownsMeter = meter is null;
        _meter = meter ?? new Meter(MeterName);
        _injected = _meter.CreateCounter<long>("slotgate.faults.injected", "{fault}", "Faults injected into client commands, by type (error, delay)");
    }

    /// <summary>Null when no fault is configured, which is how the dispatcher knows to skip fault handling.</summary>
    public static FaultInjector? Create(IReadOnlyList<FaultOptions> faults, Meter? meter = null) => faults.Count == 0 ? null : new FaultInjector(faults, meter);

    public long ErrorsInjected => Interlocked.Read(ref _errors);

    public long DelaysInjected => Interlocked.Read(ref _delays);

    /// <summary>The fault for one command named <paramref name="name"/>, or null. AUTH, HELLO (which may carry AUTH) and
    /// PING are never faulted: clients must still be able to connect and health checks to pass.</summary>
    public FaultRule? Pick(string name)
    {
        if (name is "auth" or "ping" or "hello")
        {
            return null;
        }
        double draw = Random.Shared.NextDouble() * 100;
        double threshold = 0;
        foreach (FaultRule rule in _rules)
        {
            if (!rule.Covers(name))
            {
                continue;
            }
            threshold += rule.Percent;
            if (draw < threshold)
            {
                if (rule.IsError)
                {
                    Interlocked.Increment(ref _errors);
                    _injected.Add(1, ErrorTag);
                }
                else
                {
                    Interlocked.Increment(ref _delays);
                    _injected.Add(1, DelayTag);
                }
                return rule;
            }
        }
        return null;
    }

    /// <summary>
    /// Applies the fault picked for <paramref name="request"/>, if any: a delay holds the reply back once it is ready; an
    /// error answers without sending. True when the request has been answered here.
    /// </summary>
    public bool TryInject(ProxyRequest request, string commandName)
    {
        if (Pick(commandName) is not { } fault)
        {
            return false;
        }
        request.FaultDelay = fault.Delay;
        if (!fault.IsError)
        {
            return false;
        }
        request.SetError(ErrorReply);
        request.Complete();
        return true;
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
