namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>
/// Recursive-descent parser for CEL's grammar (conditional, ||, &amp;&amp;, relations, +/-, * / %, unary, member access,
/// primaries) with the standard macros expanded at parse time: <c>has</c>, <c>all</c>, <c>exists</c>,
/// <c>exists_one</c>, <c>filter</c>, <c>map</c>. Optional field syntax (<c>?.</c>, <c>[?</c>) is not part of the CEL
/// that Kubernetes 1.26 offers and is rejected.
/// </summary>
internal sealed class CelParser
{
    private const int MaxDepth = 250;
    private readonly List<CelToken> _tokens;
    private int _position;
    private int _depth;

    private CelParser(List<CelToken> tokens) => _tokens = tokens;

    public static CelExpr Parse(string text)
    {
        var parser = new CelParser(CelLexer.Tokenize(text));
        CelExpr expr = parser.Expression();
        if (parser.Peek.Kind != CelTokenKind.End)
        {
            throw new CelParseException($"unexpected {parser.Peek} at {parser.Peek.Position}");
        }
        return expr;
    }

    private CelToken Peek => _tokens[_position];

    private CelToken Next() => _tokens[_position++];

    private bool Accept(string punctuation)
    {
        if (Peek.Is(punctuation))
        {
            _position++;
            return true;
        }
        return false;
    }

    private void Expect(string punctuation)
    {
        if (!Accept(punctuation))
        {
            throw new CelParseException($"expected '{punctuation}' but found {Peek} at {Peek.Position}");
        }
    }

    private CelExpr Expression()
    {
        if (++_depth > MaxDepth)
        {
            throw new CelParseException("expression nested too deeply");
        }
        CelExpr condition = Or();
        CelExpr result = condition;
        if (Accept("?"))
        {
            CelExpr whenTrue = Or();
            Expect(":");
            CelExpr whenFalse = Expression();
            result = new CelConditional(condition, whenTrue, whenFalse);
        }
        _depth--;
        return result;
    }

    private CelExpr Or()
    {
        CelExpr left = And();
        while (Accept("||"))
        {
            left = new CelBinary("||", left, And());
        }
        return left;
    }

    private CelExpr And()
    {
        CelExpr left = Relation();
        while (Accept("&&"))
        {
            left = new CelBinary("&&", left, Relation());
        }
        return left;
    }

    private CelExpr Relation()
    {
        CelExpr left = Addition();
        while (true)
        {
            string? op = Peek switch
            {
                { Kind: CelTokenKind.Punctuation, Text: "<" or "<=" or ">" or ">=" or "==" or "!=" } t => t.Text,
                { Kind: CelTokenKind.Identifier, Text: "in" } => "in",
                _ => null,
            };
            if (op is null)
            {
                return left;
            }
            _position++;
            left = new CelBinary(op, left, Addition());
        }
    }

    private CelExpr Addition()
    {
        CelExpr left = Multiplication();
        while (Peek.Is("+") || Peek.Is("-"))
        {
            string op = Next().Text;
            left = new CelBinary(op, left, Multiplication());
        }
        return left;
    }

    private CelExpr Multiplication()
    {
        CelExpr left = Unary();
        while (Peek.Is("*") || Peek.Is("/") || Peek.Is("%"))
        {
            string op = Next().Text;
            left = new CelBinary(op, left, Unary());
        }
        return left;
    }

    private CelExpr Unary()
    {
        if (Accept("!"))
        {
            return new CelUnary("!", Unary());
        }
        if (Peek.Is("-"))
        {
            _position++;
            // A negative literal is a literal (so the minimum int64 is expressible).
            if (Peek.Kind == CelTokenKind.Int)
            {
                ulong magnitude = (ulong)Next().Value!;
                CelExpr literal = magnitude <= 9223372036854775808UL
                    ? new CelLiteral(magnitude == 9223372036854775808UL ? long.MinValue : -(long)magnitude)
                    : throw new CelParseException("int literal out of range");
                return Member(literal);
            }
            return new CelUnary("-", Unary());
        }
        return Member(Primary());
    }

    private CelExpr Member(CelExpr operand)
    {
        while (true)
        {
            if (Accept("."))
            {
                if (Peek.Is("?"))
                {
                    throw new CelParseException($"optional field selection is not supported (Kubernetes 1.26 CEL) at {Peek.Position}");
                }
                CelToken name = Next();
                if (name.Kind != CelTokenKind.Identifier)
                {
                    throw new CelParseException($"expected a field name but found {name} at {name.Position}");
                }
                if (Accept("("))
                {
                    operand = ReceiverCall(operand, name.Text, Arguments(")"));
                }
                else
                {
                    operand = new CelSelect(operand, name.Text, Test: false);
                }
            }
            else if (Accept("["))
            {
                if (Peek.Is("?"))
                {
                    throw new CelParseException($"optional index is not supported (Kubernetes 1.26 CEL) at {Peek.Position}");
                }
                CelExpr index = Expression();
                Expect("]");
                operand = new CelIndex(operand, index);
            }
            else
            {
                return operand;
            }
        }
    }

    private CelExpr Primary()
    {
        CelToken token = Next();
        switch (token.Kind)
        {
            case CelTokenKind.Int:
                ulong value = (ulong)token.Value!;
                return value <= long.MaxValue ? new CelLiteral((long)value) : throw new CelParseException($"int literal out of range: {token.Text}");
            case CelTokenKind.UInt or CelTokenKind.Double or CelTokenKind.String or CelTokenKind.Bytes:
                return new CelLiteral(token.Value);
            case CelTokenKind.Identifier:
                switch (token.Text)
                {
                    case "true": return new CelLiteral(true);
                    case "false": return new CelLiteral(false);
                    case "null": return new CelLiteral(null);
                    case "in": throw new CelParseException($"unexpected 'in' at {token.Position}");
                }
                if (Accept("("))
                {
                    return GlobalCall(token.Text, Arguments(")"));
                }
                return new CelIdent(token.Text);
            case CelTokenKind.Punctuation when token.Text == "(":
                CelExpr inner = Expression();
                Expect(")");
                return inner;
            case CelTokenKind.Punctuation when token.Text == "[":
                return new CelListLiteral(Arguments("]"));
            case CelTokenKind.Punctuation when token.Text == "{":
                var entries = new List<(CelExpr, CelExpr)>();
                while (!Accept("}"))
                {
                    CelExpr key = Expression();
                    Expect(":");
                    entries.Add((key, Expression()));
                    if (!Accept(","))
                    {
                        Expect("}");
                        break;
                    }
                }
                return new CelMapLiteral(entries);
            case CelTokenKind.Punctuation when token.Text == ".":
                // A leading dot names an identifier from the root scope.
                CelToken rooted = Next();
                return rooted.Kind == CelTokenKind.Identifier
                    ? new CelIdent(rooted.Text)
                    : throw new CelParseException($"expected an identifier after '.' at {rooted.Position}");
            default:
                throw new CelParseException($"unexpected {token} at {token.Position}");
        }
    }

    private List<CelExpr> Arguments(string closing)
    {
        var arguments = new List<CelExpr>();
        while (!Accept(closing))
        {
            arguments.Add(Expression());
            if (!Accept(","))
            {
                Expect(closing);
                break;
            }
        }
        return arguments;
    }

    private static CelExpr GlobalCall(string function, List<CelExpr> arguments)
    {
        if (function == "has")
        {
            return arguments is [CelSelect select]
                ? select with { Test = true }
                : throw new CelParseException("has() takes one field selection, as in has(self.field)");
        }
        return new CelCall(null, function, arguments);
    }

    private static CelExpr ReceiverCall(CelExpr target, string function, List<CelExpr> arguments)
    {
        switch (function)
        {
            case "all" or "exists" or "exists_one" or "filter":
                if (arguments is [CelIdent variable, CelExpr predicate])
                {
                    return new CelComprehension(function, target, variable.Name, predicate, null);
                }
                throw new CelParseException($"{function}() takes a variable name and a predicate");
            case "map":
                return arguments switch
                {
                    [CelIdent v, CelExpr transform] => new CelComprehension("map", target, v.Name, null, transform),
                    [CelIdent v, CelExpr filter, CelExpr transform] => new CelComprehension("map", target, v.Name, filter, transform),
                    _ => throw new CelParseException("map() takes a variable name, an optional predicate and a transform"),
                };
            default:
                return new CelCall(target, function, arguments);
        }
    }
}
