using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas.Cel;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>The CEL interpreter: syntax, CEL's evaluation semantics, and the functions Kubernetes rules use.</summary>
public sealed class CelTests
{
    private static object? Eval(string rule, string selfJson = "{}") =>
        CelProgram.Compile(rule).Evaluate(CelValues.FromJson(JsonNode.Parse(selfJson)));

    [Theory]
    [InlineData("1 + 2 * 3 == 7")]
    [InlineData("(1 + 2) * 3 == 9")]
    [InlineData("-5 % 3 == -2")]
    [InlineData("7 / 2 == 3")]
    [InlineData("1.5 + 1.5 == 3.0")]
    [InlineData("1u + 2u == 3u")]
    [InlineData("0x10 == 16")]
    [InlineData("1 == 1.0")]
    [InlineData("'a' + 'b' == 'ab'")]
    [InlineData("[1, 2] + [3] == [1, 2, 3]")]
    [InlineData("{'a': 1}['a'] == 1")]
    [InlineData("'b' in {'a': 1, 'b': 2}")]
    [InlineData("2 in [1, 2, 3]")]
    [InlineData("!(4 in [1, 2, 3])")]
    [InlineData("'abc' < 'abd'")]
    [InlineData("true ? 1 == 1 : false")]
    [InlineData("false ? false : true ? true : false")]
    [InlineData("!!true")]
    [InlineData("-(-3) == 3")]
    [InlineData("null == null")]
    [InlineData("'x' != 1")]
    public void Evaluate_Operators_True(string rule)
    {
        Assert.Equal(true, Eval(rule));
    }

    [Theory]
    [InlineData("r\"\"\"^a\\d$\"\"\" == '^a\\\\d$'")]
    [InlineData("'\\x41\\u0042\\101' == 'ABA'")]
    [InlineData("\"it's\" == 'it\\'s'")]
    [InlineData("'''multi\nline''' == 'multi\\nline'")]
    [InlineData("size('héllo') == 5")]
    [InlineData("b'ab' + b'c' == b'abc'")]
    public void Evaluate_StringLiterals_True(string rule)
    {
        Assert.Equal(true, Eval(rule));
    }

    [Theory]
    [InlineData("self.missing == 1 && false", false)]
    [InlineData("false && self.missing == 1", false)]
    [InlineData("self.missing == 1 || true", true)]
    [InlineData("true || self.missing == 1", true)]
    [InlineData("[1, 0].exists(x, 1 / x == 1)", true)]
    [InlineData("[0, 2].all(x, 1 / x == 1)", false)]
    public void Evaluate_ErrorAbsorbedByDecisiveOperand_Result(string rule, bool expected)
    {
        Assert.Equal(expected, Eval(rule));
    }

    [Theory]
    [InlineData("self.missing == 1 && true", "no such key: missing")]
    [InlineData("self.missing == 1 || false", "no such key: missing")]
    [InlineData("[1, 0].all(x, 1 / x == 1)", "division by zero")]
    [InlineData("[0, 1].exists_one(x, 1 / x == 1)", "division by zero")]
    [InlineData("9223372036854775807 + 1 > 0", "overflow")]
    [InlineData("[1][1] == 1", "index out of bounds")]
    [InlineData("1 == 1 ? self.x : 0", "no such key: x")]
    [InlineData("'a' < 1", "no such overload")]
    [InlineData("1 ? true : false", "no such overload")]
    public void Evaluate_UnabsorbedError_Throws(string rule, string message)
    {
        var error = Assert.Throws<CelEvaluationException>(() => Eval(rule));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("self.l.all(x, x > 0)", true)]
    [InlineData("self.l.exists(x, x > 2)", true)]
    [InlineData("self.l.exists_one(x, x > 1)", false)]
    [InlineData("self.l.exists_one(x, x > 2)", true)]
    [InlineData("self.l.filter(x, x > 1) == [2, 3]", true)]
    [InlineData("self.l.map(x, x * 2) == [2, 4, 6]", true)]
    [InlineData("self.l.map(x, x > 1, x * 10) == [20, 30]", true)]
    [InlineData("self.m.all(k, k.startsWith('k'))", true)]
    [InlineData("self.l.all(x, self.l.exists(y, y == x))", true)]
    [InlineData("[].all(x, false)", true)]
    [InlineData("[].exists(x, true)", false)]
    public void Evaluate_Macros_Result(string rule, bool expected)
    {
        Assert.Equal(expected, Eval(rule, """{ "l": [1, 2, 3], "m": { "k1": 1, "k2": 2 } }"""));
    }

    [Theory]
    [InlineData("has(self.a)", true)]
    [InlineData("has(self.b)", false)]
    [InlineData("has(self.a.c)", true)]
    [InlineData("has(self.__namespace__)", true)]
    [InlineData("self.__namespace__ == 'ns'", true)]
    [InlineData("self.a.c == 'x'", true)]
    [InlineData("self.n == null", true)]
    [InlineData("has(self.n)", true)]
    public void Evaluate_FieldsAndHas_Result(string rule, bool expected)
    {
        Assert.Equal(expected, Eval(rule, """{ "a": { "c": "x" }, "namespace": "ns", "n": null }"""));
    }

    [Theory]
    [InlineData("'abc'.size() == 3 && size('abc') == 3 && size([1]) == 1 && size({'a': 1}) == 1")]
    [InlineData("'abc'.contains('b') && 'abc'.startsWith('ab') && 'abc'.endsWith('bc')")]
    [InlineData("'abc'.matches('^a') && !'abc'.matches('^b') && matches('abc', 'b')")]
    [InlineData("!'abc\\n'.matches('^abc$')")]
    [InlineData("'Ab'.matches(r\"\"\"^(?i)ab$\"\"\")")]
    [InlineData("'a/b/c'.split('/') == ['a', 'b', 'c'] && 'a/b/c'.split('/', 2) == ['a', 'b/c']")]
    [InlineData("'AbC'.lowerAscii() == 'abc' && 'AbC'.upperAscii() == 'ABC'")]
    [InlineData("['a', 'b'].join('-') == 'a-b' && 'hello'.indexOf('l') == 2 && 'hello'.lastIndexOf('l') == 3")]
    [InlineData("'hello'.substring(1, 3) == 'el' && ' x '.trim() == 'x' && 'aXa'.replace('X', 'b') == 'aba'")]
    [InlineData("duration('1h') > duration('59m') && duration('1.5s') == duration('1500ms') && duration('0s') == duration('0')")]
    [InlineData("!(duration('90s') < duration('1s') || duration('90s') > duration('1h'))")]
    [InlineData("int('42') == 42 && string(42) == '42' && double(1) == 1.0 && uint(3) == 3u")]
    [InlineData("timestamp('2024-01-01T00:00:00Z') < timestamp('2024-01-02T00:00:00Z')")]
    public void Evaluate_Functions_True(string rule)
    {
        Assert.Equal(true, Eval(rule));
    }

    [Fact]
    public void Evaluate_TransitionRule_ComparesOldSelf()
    {
        CelProgram program = CelProgram.Compile("self == oldSelf");

        Assert.True(program.UsesOldSelf);
        Assert.True(program.Holds(JsonValue.Create("a"), JsonValue.Create("a"), hasOldSelf: true));
        Assert.False(program.Holds(JsonValue.Create("a"), JsonValue.Create("b"), hasOldSelf: true));
        Assert.False(CelProgram.Compile("self.all(x, x > 0)").UsesOldSelf);
    }

    [Fact]
    public void Evaluate_DeepEquality_ListsAndMaps()
    {
        Assert.Equal(true, Eval("self.a == self.b", """{ "a": { "x": [1, { "y": "z" }] }, "b": { "x": [1, { "y": "z" }] } }"""));
        Assert.Equal(false, Eval("self.a == self.b", """{ "a": { "x": [1] }, "b": { "x": [1], "y": 2 } }"""));
    }

    [Theory]
    [InlineData("self.", "expected a field name")]
    [InlineData("(1 + 2", "expected ')'")]
    [InlineData("'unterminated", "unterminated string")]
    [InlineData("1 +", "unexpected end of expression")]
    [InlineData("self.isURL()", "undeclared function 'isURL'")]
    [InlineData("frobnicate(self)", "undeclared function 'frobnicate'")]
    [InlineData("other == 1", "undeclared reference to 'other'")]
    [InlineData("self.all(x, y > 0)", "undeclared reference to 'y'")]
    [InlineData("self.?a", "optional field selection")]
    [InlineData("has(self)", "has() takes one field selection")]
    [InlineData("1 2", "unexpected '2'")]
    public void Compile_InvalidRule_ParseError(string rule, string message)
    {
        var error = Assert.Throws<CelParseException>(() => CelProgram.Compile(rule));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
