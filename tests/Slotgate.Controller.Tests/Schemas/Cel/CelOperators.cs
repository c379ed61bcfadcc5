namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>CEL's arithmetic, comparison, equality and membership operators over evaluator values.</summary>
internal static class CelOperators
{
    public static string TypeName(object? value) => value switch
    {
        null => "null_type",
        bool => "bool",
        long => "int",
        ulong => "uint",
        double => "double",
        string => "string",
        byte[] => "bytes",
        IReadOnlyList<object?> => "list",
        CelMap => "map",
        TimeSpan => "google.protobuf.Duration",
        DateTimeOffset => "google.protobuf.Timestamp",
        _ => value.GetType().Name,
    };

    public static object? Binary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "==": return ValuesEqual(left, right);
            case "!=": return !ValuesEqual(left, right);
            case "<": return Compare(left, right, op) < 0;
            case "<=": return Compare(left, right, op) <= 0;
            case ">": return Compare(left, right, op) > 0;
            case ">=": return Compare(left, right, op) >= 0;
            case "in":
                return right switch
                {
                    IReadOnlyList<object?> list => list.Any(item => ValuesEqual(item, left)),
                    CelMap map => left is not null && map.ContainsKey(left),
                    _ => throw NoOverload(op, left, right),
                };
            default:
                return Arithmetic(op, left, right);
        }
    }

    public static bool ValuesEqual(object? left, object? right)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left!, right!) == 0;
        }
        return (left, right) switch
        {
            (null, null) => true,
            (bool a, bool b) => a == b,
            (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (TimeSpan a, TimeSpan b) => a == b,
            (DateTimeOffset a, DateTimeOffset b) => a == b,
            (IReadOnlyList<object?> a, IReadOnlyList<object?> b) => a.Count == b.Count && a.Zip(b).All(p => ValuesEqual(p.First, p.Second)),
            (CelMap a, CelMap b) => a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out object? v) && ValuesEqual(e.Value, v)),
            _ => false,
        };
    }

    private static bool IsNumber(object? value) => value is long or ulong or double;

    private static int Compare(object? left, object? right, string op)
    {
        if (IsNumber(left) && IsNumber(right))
        {
            return CompareNumbers(left!, right!);
        }
        return (left, right) switch
        {
            (string a, string b) => Math.Sign(string.CompareOrdinal(a, b)),
            (bool a, bool b) => a.CompareTo(b),
            (TimeSpan a, TimeSpan b) => a.CompareTo(b),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b),
            _ => throw NoOverload(op, left, right),
        };
    }

    private static int CompareNumbers(object left, object right) => (left, right) switch
    {
        (long a, long b) => a.CompareTo(b),
        (ulong a, ulong b) => a.CompareTo(b),
        (long a, ulong b) => a < 0 ? -1 : ((ulong)a).CompareTo(b),
        (ulong a, long b) => b < 0 ? 1 : a.CompareTo((ulong)b),
        (double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? 2 : a.CompareTo(b),
        (double a, _) => double.IsNaN(a) ? 2 : a.CompareTo(ToDouble(right)),
        (_, double b) => double.IsNaN(b) ? 2 : ToDouble(left).CompareTo(b),
        _ => throw new CelEvaluationException("unreachable"),
    };

    private static double ToDouble(object value) => value switch
    {
        long l => l,
        ulong u => u,
        _ => (double)value,
    };

    private static object Arithmetic(string op, object? left, object? right)
    {
        try
        {
            return (op, left, right) switch
            {
                ("+", long a, long b) => checked(a + b),
                ("-", long a, long b) => checked(a - b),
                ("*", long a, long b) => checked(a * b),
                ("/", long a, long b) => b == 0 ? throw new CelEvaluationException("division by zero") : checked(a / b),
                ("%", long a, long b) => b == 0 ? throw new CelEvaluationException("modulus by zero") : a % b,
                ("+", ulong a, ulong b) => checked(a + b),
                ("-", ulong a, ulong b) => checked(a - b),
                ("*", ulong a, ulong b) => checked(a * b),
                ("/", ulong a, ulong b) => b == 0 ? throw new CelEvaluationException("division by zero") : a / b,
                ("%", ulong a, ulong b) => b == 0 ? throw new CelEvaluationException("modulus by zero") : a % b,
                ("+", double a, double b) => a + b,
                ("-", double a, double b) => a - b,
                ("*", double a, double b) => a * b,
                ("/", double a, double b) => a / b,
                ("+", string a, string b) => a + b,
                ("+", byte[] a, byte[] b) => (object)a.Concat(b).ToArray(),
                ("+", IReadOnlyList<object?> a, IReadOnlyList<object?> b) => a.Concat(b).ToList(),
                ("+", TimeSpan a, TimeSpan b) => a + b,
                ("-", TimeSpan a, TimeSpan b) => a - b,
                ("+", DateTimeOffset a, TimeSpan b) => a + b,
                ("+", TimeSpan a, DateTimeOffset b) => b + a,
                ("-", DateTimeOffset a, TimeSpan b) => a - b,
                ("-", DateTimeOffset a, DateTimeOffset b) => a - b,
                _ => throw NoOverload(op, left, right),
            };
        }
        catch (OverflowException)
        {
            throw new CelEvaluationException($"{TypeName(left)} overflow in {op}");
        }
    }

    private static CelEvaluationException NoOverload(string op, object? left, object? right) =>
        new($"no such overload: {TypeName(left)} {op} {TypeName(right)}");
}
