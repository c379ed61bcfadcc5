namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>A node of a parsed CEL expression.</summary>
internal abstract record CelExpr;

internal sealed record CelLiteral(object? Value) : CelExpr;

internal sealed record CelIdent(string Name) : CelExpr;

/// <summary><c>operand.field</c>; with <see cref="Test"/> it is the <c>has(operand.field)</c> macro.</summary>
internal sealed record CelSelect(CelExpr Operand, string Field, bool Test) : CelExpr;

internal sealed record CelIndex(CelExpr Operand, CelExpr Index) : CelExpr;

/// <summary>A function call, global (<c>size(x)</c>) or with a receiver (<c>x.size()</c>).</summary>
internal sealed record CelCall(CelExpr? Target, string Function, IReadOnlyList<CelExpr> Arguments) : CelExpr;

internal sealed record CelListLiteral(IReadOnlyList<CelExpr> Items) : CelExpr;

internal sealed record CelMapLiteral(IReadOnlyList<(CelExpr Key, CelExpr Value)> Entries) : CelExpr;

internal sealed record CelUnary(string Operator, CelExpr Operand) : CelExpr;

internal sealed record CelBinary(string Operator, CelExpr Left, CelExpr Right) : CelExpr;

internal sealed record CelConditional(CelExpr Condition, CelExpr WhenTrue, CelExpr WhenFalse) : CelExpr;

/// <summary>
/// A comprehension macro over a list's elements or a map's keys: <c>all</c>, <c>exists</c>, <c>exists_one</c>,
/// <c>filter</c> and <c>map</c> (with an optional filter <see cref="Predicate"/> before its <see cref="Transform"/>).
/// </summary>
internal sealed record CelComprehension(string Macro, CelExpr Range, string Variable, CelExpr? Predicate, CelExpr? Transform) : CelExpr;
