namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>
/// Evaluates a parsed CEL expression. Values: null, bool, long (int), ulong (uint), double, string, byte[],
/// <see cref="IReadOnlyList{T}"/> of values (list), <see cref="CelMap"/> (map, also every JSON object), TimeSpan
/// (duration) and DateTimeOffset (timestamp). Errors are thrown as <see cref="CelEvaluationException"/>; the operators
/// and macros that absorb errors in CEL (<c>&amp;&amp;</c>, <c>||</c>, <c>all</c>, <c>exists</c>) catch them and
/// rethrow only when the other operands do not decide the result.
/// </summary>
internal static class CelEvaluator
{
    public static object? Evaluate(CelExpr expr, CelScope scope) => expr switch
    {
        CelLiteral literal => literal.Value,
        CelIdent ident => scope.Lookup(ident.Name),
        CelSelect select => Select(select, scope),
        CelIndex index => IndexInto(Evaluate(index.Operand, scope), Evaluate(index.Index, scope)),
        CelCall call => CelFunctions.Invoke(call.Function, call.Target is null ? null : Evaluate(call.Target, scope),
            call.Target is not null, call.Arguments.Select(a => Evaluate(a, scope)).ToArray()),
        CelListLiteral list => list.Items.Select(i => Evaluate(i, scope)).ToList(),
        CelMapLiteral map => MapLiteral(map, scope),
        CelUnary unary => Unary(unary.Operator, Evaluate(unary.Operand, scope)),
        CelBinary { Operator: "&&" } and => Logical(and, scope, decisive: false),
        CelBinary { Operator: "||" } or => Logical(or, scope, decisive: true),
        CelBinary binary => CelOperators.Binary(binary.Operator, Evaluate(binary.Left, scope), Evaluate(binary.Right, scope)),
        CelConditional conditional => AsBool(Evaluate(conditional.Condition, scope), "?:")
            ? Evaluate(conditional.WhenTrue, scope)
            : Evaluate(conditional.WhenFalse, scope),
        CelComprehension comprehension => Comprehension(comprehension, scope),
        _ => throw new CelEvaluationException($"unsupported expression {expr.GetType().Name}"),
    };

    public static bool AsBool(object? value, string context) =>
        value is bool b ? b : throw new CelEvaluationException($"no such overload: {context} applied to {CelOperators.TypeName(value)}");

    private static object? Select(CelSelect select, CelScope scope)
    {
        object? operand = Evaluate(select.Operand, scope);
        string field = CelFieldNames.Unescape(select.Field);
        if (operand is not CelMap map)
        {
            throw new CelEvaluationException($"no such overload: field selection '{select.Field}' on {CelOperators.TypeName(operand)}");
        }
        bool present = map.TryGetValue(field, out object? value);
        if (select.Test)
        {
            return present;
        }
        return present ? value : throw new CelEvaluationException($"no such key: {field}");
    }

    private static object? IndexInto(object? operand, object? index)
    {
        switch (operand)
        {
            case IReadOnlyList<object?> list:
                long i = index switch
                {
                    long l => l,
                    ulong u when u <= long.MaxValue => (long)u,
                    double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => (long)d,
                    _ => throw new CelEvaluationException($"no such overload: list index of type {CelOperators.TypeName(index)}"),
                };
                return i >= 0 && i < list.Count ? list[(int)i] : throw new CelEvaluationException($"index out of bounds: {i}");
            case CelMap map:
                return index is not null && map.TryGetValue(index, out object? value)
                    ? value
                    : throw new CelEvaluationException($"no such key: {index}");
            default:
                throw new CelEvaluationException($"no such overload: index into {CelOperators.TypeName(operand)}");
        }
    }

    private static CelMap MapLiteral(CelMapLiteral literal, CelScope scope)
    {
        var map = new CelMap();
        foreach ((CelExpr keyExpr, CelExpr valueExpr) in literal.Entries)
        {
            object? key = Evaluate(keyExpr, scope);
            if (key is not (string or long or ulong or bool))
            {
                throw new CelEvaluationException($"unsupported map key type {CelOperators.TypeName(key)}");
            }
            if (!map.TryAdd(key, Evaluate(valueExpr, scope)))
            {
                throw new CelEvaluationException($"duplicate map key: {key}");
            }
        }
        return map;
    }

    private static object? Unary(string op, object? operand) => (op, operand) switch
    {
        ("!", bool b) => !b,
        ("-", long l) => l == long.MinValue ? throw new CelEvaluationException("integer overflow") : -l,
        ("-", double d) => -d,
        ("-", TimeSpan t) => -t,
        _ => throw new CelEvaluationException($"no such overload: {op}{CelOperators.TypeName(operand)}"),
    };

    /// <summary>
    /// <c>&amp;&amp;</c> (decisive value false) and <c>||</c> (decisive value true): commutative, so an error on one
    /// side is absorbed when the other side is the decisive value.
    /// </summary>
    private static object Logical(CelBinary binary, CelScope scope, bool decisive)
    {
        CelEvaluationException? error = null;
        foreach (CelExpr side in (ReadOnlySpan<CelExpr>)[binary.Left, binary.Right])
        {
            try
            {
                if (AsBool(Evaluate(side, scope), binary.Operator) == decisive)
                {
                    return decisive;
                }
            }
            catch (CelEvaluationException e)
            {
                error ??= e;
            }
        }
        return error is null ? !decisive : throw error;
    }

    private static object? Comprehension(CelComprehension c, CelScope scope)
    {
        IEnumerable<object?> items = Evaluate(c.Range, scope) switch
        {
            IReadOnlyList<object?> list => list,
            CelMap map => map.Keys,
            var other => throw new CelEvaluationException($"no such overload: {c.Macro}() on {CelOperators.TypeName(other)}"),
        };
        switch (c.Macro)
        {
            case "all" or "exists":
                bool decisive = c.Macro == "exists";
                CelEvaluationException? error = null;
                foreach (object? item in items)
                {
                    try
                    {
                        if (AsBool(Evaluate(c.Predicate!, scope.With(c.Variable, item)), c.Macro) == decisive)
                        {
                            return decisive;
                        }
                    }
                    catch (CelEvaluationException e)
                    {
                        error ??= e;
                    }
                }
                return error is null ? !decisive : throw error;
            case "exists_one":
                int count = 0;
                foreach (object? item in items)
                {
                    if (AsBool(Evaluate(c.Predicate!, scope.With(c.Variable, item)), c.Macro))
                    {
                        count++;
                    }
                }
                return count == 1;
            case "filter":
                return items.Where(item => AsBool(Evaluate(c.Predicate!, scope.With(c.Variable, item)), c.Macro)).ToList();
            case "map":
                return items
                    .Where(item => c.Predicate is null || AsBool(Evaluate(c.Predicate, scope.With(c.Variable, item)), c.Macro))
                    .Select(item => Evaluate(c.Transform!, scope.With(c.Variable, item)))
                    .ToList();
            default:
                throw new CelEvaluationException($"unknown macro {c.Macro}");
        }
    }
}
