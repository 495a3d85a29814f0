using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Resources;

public sealed class IstioResourceTypeTests
{
    [Theory]
    [InlineData("ServiceEntry", "networking.istio.io", "serviceentries", "se")]
    [InlineData("WorkloadEntry", "networking.istio.io", "workloadentries", "we")]
    [InlineData("DestinationRule", "networking.istio.io", "destinationrules", "dr")]
    [InlineData("Gateway", "networking.istio.io", "gateways", "gw")]
    [InlineData("VirtualService", "networking.istio.io", "virtualservices", "vs")]
    [InlineData("PeerAuthentication", "security.istio.io", "peerauthentications", "pa")]
    [InlineData("AuthorizationPolicy", "security.istio.io", "authorizationpolicies", "ap")]
    public void TryFromKind_EveryEmittedKind_HasGroupPluralAndShortName(string kind, string group, string plural, string shortName)
    {
        Assert.True(IstioResourceType.TryFromKind(kind, out var type));
        Assert.Equal((group, plural, shortName), (type.Group, type.Plural, type.ShortName));
        Assert.Equal(kind + "." + group, type.ToString());
        Assert.Equal(group + "/v1beta1", type.ApiVersion(IstioApiVersion.V1Beta1));
    }

    [Theory]
    [InlineData("Sidecar")]
    [InlineData("serviceentry")]
    [InlineData(null)]
    public void TryFromKind_OtherKinds_False(string? kind) => Assert.False(IstioResourceType.TryFromKind(kind, out _));

    [Fact]
    public void All_SevenKindsInRenderOrder() =>
        Assert.Equal(IstioResourceType.All.Select(t => t.Kind).Order(StringComparer.Ordinal), IstioResourceType.All.Select(t => t.Kind));

    [Fact]
    public void ValidationIssue_ToString_PathAndMessage()
    {
        Assert.Equal("spec.hosts[0]: bad", new ValidationIssue("spec.hosts[0]", "bad").ToString());
        Assert.Equal("bad", new ValidationIssue(string.Empty, "bad").ToString());
    }

    [Fact]
    public void CrdSchemaSet_NullArguments_ThrowWithParameterName()
    {
        Assert.Equal("yaml", Assert.Throws<ArgumentNullException>(() => CrdSchemaSet.Parse(null!)).ParamName);
        Assert.Equal("definitions", Assert.Throws<ArgumentNullException>(() => CrdSchemaSet.FromCustomResourceDefinitions(null!)).ParamName);
    }
}
