using MeshInterop.Catalog.Validation;
namespace MeshInterop.Protocol.Tests;

public sealed class HamletResourceTypesTests
{
    [Theory]
    [InlineData("type.googleapis.com/federation.types.v1alpha1.FederatedService", HamletResourceVersion.V1Alpha1)]
    [InlineData("type.googleapis.com/federation.types.v1alpha2.FederatedService", HamletResourceVersion.V1Alpha2)]
    [InlineData("example.com/custom/federation.types.v1alpha2.FederatedService", HamletResourceVersion.V1Alpha2)]
    [InlineData("federation.types.v1alpha1.FederatedService", HamletResourceVersion.V1Alpha1)]
    public void TryResolve_KnownMessageName_ResolvesWhateverThePrefix(string url, HamletResourceVersion expected)
    {
        Assert.True(HamletResourceTypes.TryResolve(url, out var version));
        Assert.Equal(expected, version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("type.googleapis.com/")]
    [InlineData("type.googleapis.com/federation.types.v1alpha3.FederatedService")]
    [InlineData("type.googleapis.com/Federation.Types.V1alpha2.FederatedService")]
    public void TryResolve_UnknownOrEmpty_Fails(string? url)
    {
        Assert.False(HamletResourceTypes.TryResolve(url, out _));
    }

    [Fact]
    public void SameType_ComparesTheNameAfterTheLastSlash()
    {
        Assert.True(HamletResourceTypes.SameType("a/x.Y", "b/c/x.Y"));
        Assert.False(HamletResourceTypes.SameType("a/x.Y", "a/x.Z"));
        Assert.False(HamletResourceTypes.SameType(string.Empty, string.Empty));
    }

    [Fact]
    public void TypeUrl_IsTheCanonicalForm()
    {
        Assert.Equal(HamletResourceTypes.V1Alpha1FederatedService, HamletResourceTypes.TypeUrl(HamletResourceVersion.V1Alpha1));
        Assert.Equal(HamletResourceTypes.V1Alpha2FederatedService, HamletResourceTypes.TypeUrl(HamletResourceVersion.V1Alpha2));
        Assert.Throws<ArgumentOutOfRangeException>(() => HamletResourceTypes.TypeUrl((HamletResourceVersion)99));
    }
}
