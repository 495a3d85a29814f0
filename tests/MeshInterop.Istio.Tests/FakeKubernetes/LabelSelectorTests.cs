using System.Text.Json.Nodes;
using MeshInterop.Testing.FakeKubernetes;

namespace MeshInterop.Istio.Tests.FakeKubernetes;

/// <summary>The fake API server's label selector, which contract tests rely on to behave like the real one.</summary>
public sealed class LabelSelectorTests
{
    private static JsonObject WithLabels(string labels) =>
        new() { ["metadata"] = new JsonObject { ["labels"] = JsonNode.Parse(labels) } };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=a", true)]
    [InlineData("app==a", true)]
    [InlineData("app=b", false)]
    [InlineData("app!=b", true)]
    [InlineData("missing!=b", true)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("app in (a, b)", true)]
    [InlineData("app in (b,c)", false)]
    [InlineData("app notin (b,c)", true)]
    [InlineData("missing notin (b)", true)]
    [InlineData("app=a,tier in (web),!missing", true)]
    [InlineData("app=a,tier=db", false)]
    public void Matches_Requirement_AsTheApiServer(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(WithLabels("""{"app":"a","tier":"web"}""")));

    [Fact]
    public void Matches_ObjectWithoutLabels_OnlyNegativeRequirements()
    {
        var bare = new JsonObject { ["metadata"] = new JsonObject() };
        Assert.True(LabelSelector.Parse("!app").Matches(bare));
        Assert.False(LabelSelector.Parse("app").Matches(bare));
    }

    [Theory]
    [InlineData("app in a")]
    [InlineData("app=a,,b=c")]
    public void Parse_Malformed_Throws(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
}
