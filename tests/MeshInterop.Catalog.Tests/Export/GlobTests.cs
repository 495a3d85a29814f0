using MeshInterop.Catalog.Export.Internal;

namespace MeshInterop.Catalog.Tests.Export;

public sealed class GlobTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("web-*", "web-frontend", true)]
    [InlineData("web-*", "api-web-1", false)]
    [InlineData("*-db", "orders-db", true)]
    [InlineData("*-db", "orders-db-2", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("**", "x", true)]
    [InlineData("Web", "web", false)]
    [InlineData("payments", "payments", true)]
    [InlineData("payments", "payments2", false)]
    public void IsMatch_Examples(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.IsMatch(pattern, text));

    [Fact]
    public void IsMatch_PathologicalPattern_StaysLinearish()
    {
        // A regex engine with naive backtracking explodes on this; the greedy matcher does at most pattern × text steps.
        var text = new string('a', 5_000);

        Assert.False(Glob.IsMatch(string.Concat(Enumerable.Repeat("*a", 30)) + "b", text));
    }
}
