namespace MeshInterop.Catalog.Tests;

public sealed class ServiceKeyTests
{
    [Fact]
    public void CompareTo_OrdersOrdinallyNotByCulture()
    {
        string[] names = ["b", "B", "a", "_", "Z", "é"];

        var sorted = names.Select(n => new ServiceKey(n)).Order().Select(k => k.Name);

        Assert.Equal(["B", "Z", "_", "a", "b", "é"], sorted);
    }

    [Fact]
    public void Default_IsEmptyAndEqualToEmptyKey()
    {
        Assert.True(default(ServiceKey).IsEmpty);
        Assert.Equal(new ServiceKey(string.Empty), default);
        Assert.Equal(string.Empty, default(ServiceKey).Name);
    }

    [Fact]
    public void Constructor_Null_ThrowsWithParamName()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new ServiceKey(null!)).ParamName);
    }

    [Fact]
    public void CatalogOrigin_FromPeer_IsNotLocalAndComparesByValue()
    {
        var origin = CatalogOrigin.FromPeer("mesh-b", new ServiceKey("db"));

        Assert.False(origin.IsLocal);
        Assert.True(CatalogOrigin.Local.IsLocal);
        Assert.Equal(CatalogOrigin.FromPeer("mesh-b", new ServiceKey("db")), origin);
        Assert.NotEqual(CatalogOrigin.FromPeer("mesh-c", new ServiceKey("db")), origin);
        Assert.Throws<ArgumentException>(() => CatalogOrigin.FromPeer(string.Empty, new ServiceKey("db")));
    }
}
