using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>
/// A compiled CEL rule of an <c>x-kubernetes-validations</c> entry: parsed once, every function it calls checked to
/// exist, then evaluated with <c>self</c> (and <c>oldSelf</c> for a transition rule) bound.
/// </summary>
public sealed class CelProgram
{
    private static readonly ConcurrentDictionary<string, CelProgram> Cache = new(StringComparer.Ordinal);
    private readonly CelExpr _expr;

    private CelProgram(string rule, CelExpr expr)
    {
        Rule = rule;
        _expr = expr;
        UsesOldSelf = References(expr, "oldSelf");
    }

    public string Rule { get; }

    /// <summary>A transition rule: it reads <c>oldSelf</c>, so it is evaluated only on an update with an old value.</summary>
    public bool UsesOldSelf { get; }

    /// <summary>Parses and checks a rule; throws <see cref="CelParseException"/> when it cannot be evaluated here.</summary>
    public static CelProgram Compile(string rule) => Cache.GetOrAdd(rule, r =>
    {
        CelExpr expr = CelParser.Parse(r);
        Check(expr, ["self", "oldSelf"]);
        return new CelProgram(r, expr);
    });

    /// <summary>Evaluates the rule over CEL values (see <see cref="CelValues.FromJson"/>).</summary>
    public object? Evaluate(object? self, object? oldSelf = null, bool hasOldSelf = false)
    {
        CelScope scope = CelScope.Empty.With("self", self);
        if (hasOldSelf)
        {
            scope = scope.With("oldSelf", oldSelf);
        }
        return CelEvaluator.Evaluate(_expr, scope);
    }

    /// <summary>Evaluates a validation rule over JSON: true when it holds, false when it does not, throws on an error.</summary>
    public bool Holds(JsonNode? self, JsonNode? oldSelf = null, bool hasOldSelf = false) =>
        Evaluate(CelValues.FromJson(self), CelValues.FromJson(oldSelf), hasOldSelf) is bool b
            ? b
            : throw new CelEvaluationException("the rule did not evaluate to a bool");

    private static void Check(CelExpr expr, IReadOnlyCollection<string> variables)
    {
        switch (expr)
        {
            case CelIdent ident when !variables.Contains(ident.Name):
                throw new CelParseException($"undeclared reference to '{ident.Name}'");
            case CelCall call when !CelFunctions.IsKnown(call.Function, call.Target is not null):
                throw new CelParseException($"undeclared function '{call.Function}'{(call.Target is null ? "" : " with a receiver")}");
        }
        foreach ((CelExpr child, string? bound) in Children(expr))
        {
            Check(child, bound is null ? variables : [.. variables, bound]);
        }
    }

    private static bool References(CelExpr expr, string name) => expr is CelIdent ident
        ? ident.Name == name
        : Children(expr).Any(c => c.Bound != name && References(c.Child, name));

    /// <summary>
    /// The direct subexpressions of <paramref name="expr"/>, in source order; <c>Bound</c> names the variable a
    /// comprehension binds for its predicate and transform (which shadows an outer name), null elsewhere.
    /// </summary>
    private static IEnumerable<(CelExpr Child, string? Bound)> Children(CelExpr expr) => expr switch
    {
        CelSelect select => Free(select.Operand),
        CelIndex index => Free(index.Operand, index.Index),
        CelCall call => Free([.. call.Target is null ? [] : new[] { call.Target }, .. call.Arguments]),
        CelListLiteral list => Free([.. list.Items]),
        CelMapLiteral map => Free([.. map.Entries.SelectMany(e => new[] { e.Key, e.Value })]),
        CelUnary unary => Free(unary.Operand),
        CelBinary binary => Free(binary.Left, binary.Right),
        CelConditional conditional => Free(conditional.Condition, conditional.WhenTrue, conditional.WhenFalse),
        CelComprehension c => [(c.Range, null), .. new[] { c.Predicate, c.Transform }.OfType<CelExpr>().Select(e => (e, (string?)c.Variable))],
        _ => [],
    };

    private static IEnumerable<(CelExpr Child, string? Bound)> Free(params CelExpr[] children) => children.Select(c => (c, (string?)null));
}
