namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>A CEL map (and a JSON object seen from CEL): keys compare with CEL equality, insertion order is kept.</summary>
internal sealed class CelMap : Dictionary<object, object?>
{
    public CelMap()
        : base(KeyComparer.Instance)
    {
    }

    private sealed class KeyComparer : IEqualityComparer<object>
    {
        public static readonly KeyComparer Instance = new();

        public new bool Equals(object? x, object? y) => CelOperators.ValuesEqual(x, y);

        public int GetHashCode(object obj) => obj switch
        {
            long l => l.GetHashCode(),
            ulong u when u <= long.MaxValue => ((long)u).GetHashCode(),
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => ((long)d).GetHashCode(),
            _ => obj.GetHashCode(),
        };
    }
}
