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
            case CelSelect select:
                Check(select.Operand, variables);
                break;
            case CelIndex index:
                Check(index.Operand, variables);
                Check(index.Index, variables);
                break;
            case CelCall call:
                if (!CelFunctions.IsKnown(call.Function, call.Target is not null))
                {
                    throw new CelParseException($"undeclared function '{call.Function}'{(call.Target is null ? "" : " with a receiver")}");
                }
                if (call.Target is not null)
                {
                    Check(call.Target, variables);
                }
                foreach (CelExpr argument in call.Arguments)
                {
                    Check(argument, variables);
                }
                break;
            case CelListLiteral list:
                foreach (CelExpr item in list.Items)
                {
                    Check(item, variables);
                }
                break;
            case CelMapLiteral map:
                foreach ((CelExpr key, CelExpr value) in map.Entries)
                {
                    Check(key, variables);
                    Check(value, variables);
                }
                break;
            case CelUnary unary:
                Check(unary.Operand, variables);
                break;
            case CelBinary binary:
                Check(binary.Left, variables);
                Check(binary.Right, variables);
                break;
            case CelConditional conditional:
                Check(conditional.Condition, variables);
                Check(conditional.WhenTrue, variables);
                Check(conditional.WhenFalse, variables);
                break;
            case CelComprehension comprehension:
                Check(comprehension.Range, variables);
                string[] inner = [.. variables, comprehension.Variable];
                if (comprehension.Predicate is not null)
                {
                    Check(comprehension.Predicate, inner);
                }
                if (comprehension.Transform is not null)
                {
                    Check(comprehension.Transform, inner);
                }
                break;
        }
    }

    private static bool References(CelExpr expr, string name) => expr switch
    {
        CelIdent ident => ident.Name == name,
        CelSelect select => References(select.Operand, name),
        CelIndex index => References(index.Operand, name) || References(index.Index, name),
        CelCall call => (call.Target is not null && References(call.Target, name)) || call.Arguments.Any(a => References(a, name)),
        CelListLiteral list => list.Items.Any(i => References(i, name)),
        CelMapLiteral map => map.Entries.Any(e => References(e.Key, name) || References(e.Value, name)),
        CelUnary unary => References(unary.Operand, name),
        CelBinary binary => References(binary.Left, name) || References(binary.Right, name),
        CelConditional c => References(c.Condition, name) || References(c.WhenTrue, name) || References(c.WhenFalse, name),
        CelComprehension c => References(c.Range, name)
            || (c.Variable != name && ((c.Predicate is not null && References(c.Predicate, name)) || (c.Transform is not null && References(c.Transform, name)))),
        _ => false,
    };
}
