namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>A CEL expression that does not parse, or uses a function this evaluator does not provide.</summary>
public sealed class CelParseException(string message) : Exception(message);

/// <summary>
/// A CEL evaluation error (no such key, no matching overload, overflow, ...). An error is a value in CEL: <c>&amp;&amp;</c>,
/// <c>||</c>, <c>all</c> and <c>exists</c> absorb it when the other side decides the result.
/// </summary>
public sealed class CelEvaluationException(string message) : Exception(message);
