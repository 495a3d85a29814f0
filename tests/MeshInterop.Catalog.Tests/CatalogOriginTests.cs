namespace MeshInterop.Catalog.Tests;

public sealed class CatalogOriginTests
{
    [Fact]
    public void FromPeers_SelfAndDuplicates_AreDroppedAndTheRestSorted()
    {
        var origin = CatalogOrigin.FromPeers("b", new ServiceKey("web"), ["c", "b", "a", "c"]);

        Assert.Equal(["a", "c"], origin.MergedPeers);
        Assert.True(origin.CameFrom("a") && origin.CameFrom("b") && origin.CameFrom("c"));
        Assert.False(origin.CameFrom("d") || origin.CameFrom(null));
    }

    [Fact]
    public void Equals_MergedPeers_ComparedByContent()
    {
        var one = CatalogOrigin.FromPeers("a", new ServiceKey("web"), ["b"]);
        var same = CatalogOrigin.FromPeers("a", new ServiceKey("web"), ["b", "b"]);

        Assert.Equal(one, same);
        Assert.Equal(one.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(one, CatalogOrigin.FromPeer("a", new ServiceKey("web")));
        Assert.Equal(CatalogOrigin.FromPeer("a", new ServiceKey("web")), CatalogOrigin.FromPeers("a", new ServiceKey("web"), []));
    }

    [Fact]
    public void FromPeers_BadArguments_ThrowWithParamName()
    {
        Assert.Equal("peerName", Assert.Throws<ArgumentException>(() => CatalogOrigin.FromPeers("", default, [])).ParamName);
        Assert.Equal("mergedPeers", Assert.Throws<ArgumentNullException>(() => CatalogOrigin.FromPeers("a", default, null!)).ParamName);
        Assert.Equal("mergedPeers", Assert.Throws<ArgumentException>(() => CatalogOrigin.FromPeers("a", default, [""])).ParamName);
    }
}
