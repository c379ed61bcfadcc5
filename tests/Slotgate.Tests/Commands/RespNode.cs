using System.Text;

namespace Slotgate.Tests.Commands;

/// <summary>A parsed RESP2/RESP3 reply, kept with its type marker so RESP3 sets and maps can be told from arrays.</summary>
internal sealed record RespNode(char Type, string? Text, long Integer, IReadOnlyList<RespNode>? Children)
{
    public bool IsError => Type == '-';

    public bool IsAggregate => Children is not null;

    public IReadOnlyList<RespNode> Items => Children ?? throw new InvalidOperationException($"'{Type}' is not an aggregate.");

    public string Str => Text ?? throw new InvalidOperationException($"'{Type}' has no text.");

    /// <summary>A canonical text form for comparisons and readable failure messages.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Render(sb);
        return sb.ToString();
    }

    private void Render(StringBuilder sb)
    {
        sb.Append(Type);
        if (Children is not null)
        {
            sb.Append('[');
            for (int i = 0; i < Children.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }
                Children[i].Render(sb);
            }
            sb.Append(']');
        }
        else if (Text is not null)
        {
            sb.Append(Text);
        }
        else if (Type == ':')
        {
            sb.Append(Integer);
        }
    }
}
