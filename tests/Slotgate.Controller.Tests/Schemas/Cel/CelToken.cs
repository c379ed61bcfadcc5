namespace Slotgate.Controller.Tests.Schemas.Cel;

internal enum CelTokenKind
{
    End,
    Identifier,
    Int,
    UInt,
    Double,
    String,
    Bytes,
    Punctuation,
}

/// <summary>One lexical token of a CEL expression; <see cref="Value"/> holds the decoded literal or the punctuation text.</summary>
internal readonly record struct CelToken(CelTokenKind Kind, string Text, object? Value, int Position)
{
    public bool Is(string punctuation) => Kind == CelTokenKind.Punctuation && Text == punctuation;

    public override string ToString() => Kind == CelTokenKind.End ? "end of expression" : $"'{Text}'";
}
