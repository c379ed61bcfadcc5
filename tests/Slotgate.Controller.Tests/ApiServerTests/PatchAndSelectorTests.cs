using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.ApiServer;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>The patch formats, selectors and field sets on their own, without HTTP.</summary>
public sealed class PatchAndSelectorTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void StrategicMergePatch_DeleteDirectiveAndNewItem_MergeByKey()
    {
        JsonObject target = Parse("""{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}],"args":["x","y"]}}""");
        JsonObject patch = Parse("""{"spec":{"containers":[{"name":"b","$patch":"delete"},{"name":"c","image":"c:1"},{"name":"a","image":"a:2"}],"args":["z"]}}""");

        JsonNode? result = Patches.StrategicMergePatch(target, patch);

        Assert.Equal("""{"spec":{"containers":[{"name":"a","image":"a:2"},{"name":"c","image":"c:1"}],"args":["z"]}}""", result!.ToJsonString());
    }

    [Fact]
    public void MergePatch_NullRemovesAndObjectsMerge()
    {
        JsonNode? result = Patches.MergePatch(Parse("""{"a":{"b":1,"c":2},"d":3}"""), Parse("""{"a":{"b":null,"e":4},"d":null}"""));

        Assert.Equal("""{"a":{"c":2,"e":4}}""", result!.ToJsonString());
    }

    [Fact]
    public void JsonPatch_MoveCopyAndEscapedPointers_Apply()
    {
        JsonObject target = Parse("""{"metadata":{"annotations":{"a/b":"1"}},"list":[1,2]}""");
        var operations = JsonNode.Parse("""
            [{"op":"copy","from":"/metadata/annotations/a~1b","path":"/copied"},
             {"op":"move","from":"/list/0","path":"/list/-"},
             {"op":"remove","path":"/metadata/annotations/a~1b"}]
            """)!.AsArray();

        JsonNode? result = Patches.JsonPatch(target, operations);

        Assert.Equal("""{"metadata":{"annotations":{}},"list":[2,1],"copied":"1"}""", result!.ToJsonString());
    }

    [Fact]
    public void JsonPatch_RemoveMissing_IsInvalid()
    {
        ApiError error = Assert.Throws<ApiError>(() => Patches.JsonPatch(Parse("{}"), JsonNode.Parse("""[{"op":"remove","path":"/x"}]""")!.AsArray()));

        Assert.Equal(422, error.Code);
    }

    [Theory]
    [InlineData("app=redis", true)]
    [InlineData("app==redis,tier", true)]
    [InlineData("app!=redis", false)]
    [InlineData("app in (redis, other)", true)]
    [InlineData("app notin (redis)", false)]
    [InlineData("!tier", false)]
    [InlineData("missing", false)]
    public void LabelSelector_Terms_MatchAsKubernetesDoes(string selector, bool matches)
    {
        JsonObject obj = Parse("""{"metadata":{"name":"n","namespace":"ns","labels":{"app":"redis","tier":"cache"}}}""");

        Assert.Equal(matches, Selectors.Parse(selector, null)(obj));
    }

    [Theory]
    [InlineData("metadata.name=n", true)]
    [InlineData("metadata.namespace!=ns", false)]
    [InlineData("metadata.name==n,metadata.namespace=ns", true)]
    [InlineData("spec.nodeName=x", false)]
    public void FieldSelector_Terms_MatchAsKubernetesDoes(string selector, bool matches)
    {
        JsonObject obj = Parse("""{"metadata":{"name":"n","namespace":"ns"}}""");

        Assert.Equal(matches, Selectors.Parse(null, selector)(obj));
    }

    [Fact]
    public void FieldSet_Tree_RoundTripsWithKeyedItemsAndAtomicLists()
    {
        JsonObject obj = Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"1"}},
             "spec":{"template":{"spec":{"containers":[{"name":"c","image":"i","args":["x"]}]}}}}
            """);

        HashSet<string> fields = FieldSet.Of(obj);
        JsonObject tree = FieldSet.ToTree(fields);

        Assert.Equal(
            """{"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:args":{},"f:image":{},"f:name":{}}}}}}}""",
            JsonText.Write(tree));
        Assert.Equal(fields.Order(StringComparer.Ordinal), FieldSet.FromTree(tree).Order(StringComparer.Ordinal));
        Assert.Equal(".spec.template.spec.containers[name=\"c\"].image", FieldSet.Display(fields.Single(f => f.EndsWith("f:image", StringComparison.Ordinal))));
    }
}
