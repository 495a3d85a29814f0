namespace MeshInterop.Catalog.Tests;

public sealed class StringMapTests
{
    private static KeyValuePair<string, string> P(string k, string v) => new(k, v);

    [Fact]
    public void Create_UnorderedPairs_SortsOrdinally()
    {
        var map = StringMap.Create(P("b", "2"), P("B", "3"), P("a", "1"));

        Assert.Equal(["B", "a", "b"], map.Keys);
        Assert.Equal("2", map["b"]);
    }

    [Fact]
    public void Create_DuplicateKey_ThrowsNamingKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => StringMap.Create([P("a", "1"), P("a", "2")]));

        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetItemAndRemove_ProduceNewMapsAndLeaveOriginal()
    {
        var map = StringMap.Create(P("a", "1"));

        var grown = map.SetItem("c", "3").SetItem("b", "2");
        var shrunk = grown.Remove("a");

        Assert.Single(map);
        Assert.Equal(["a", "b", "c"], grown.Keys);
        Assert.Equal(["b", "c"], shrunk.Keys);
        Assert.False(shrunk.ContainsKey("a"));
    }

    [Fact]
    public void Equals_SameContentDifferentOrder_IsEqual()
    {
        var left = StringMap.Create(P("a", "1"), P("b", "2"));
        var right = StringMap.Create(P("b", "2"), P("a", "1"));

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.Equal(StringMap.Empty, default);
        Assert.NotEqual(left, left.SetItem("a", "x"));
    }
}
