using System.Text.Json.Nodes;
using CsCheck;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Webhook;
using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Tests.Internal;

public sealed class IstioObjectNamingTests
{
    [Fact]
    public void ObjectName_ImportServiceEntry_ReferenceShape()
    {
        var hash = IstioObjectNaming.ServiceHash("west", "reviews.bookinfo.svc.west.imports.mesh");
        Assert.Equal($"mi-se-reviews-bookinfo-west-{hash}", IstioObjectNaming.ObjectName(IstioResourceType.ServiceEntry, hash, "reviews", "bookinfo", "west"));
        Assert.Equal($"mi-dr-reviews-bookinfo-west-{hash}", IstioObjectNaming.ObjectName(IstioResourceType.DestinationRule, hash, "reviews", "bookinfo", "west"));
    }

    [Fact]
    public void ServiceHash_PartBoundariesCount() =>
        Assert.NotEqual(IstioObjectNaming.ServiceHash("ab", "c"), IstioObjectNaming.ServiceHash("a", "bc"));

    [Fact]
    public void ObjectName_LongSlug_TruncatedWithoutTrailingDashAndHashKept()
    {
        var hash = IstioObjectNaming.ServiceHash("p", "h");
        var name = IstioObjectNaming.ObjectName(IstioResourceType.AuthorizationPolicy, hash, new string('a', 47) + "-bbbbbbbb", "ns");
        // 48 characters of room for the slug end on the dash after the a's, which is dropped: 62, not 63.
        Assert.Equal($"mi-ap-{new string('a', 47)}-{hash}", name);
        Assert.EndsWith("-" + hash, name, StringComparison.Ordinal);
        Assert.DoesNotContain("--", name, StringComparison.Ordinal);
    }

    [Fact]
    public void ObjectName_NothingUsableInSlug_PrefixAndHashOnly() =>
        Assert.Equal("mi-gw-0123abcd", IstioObjectNaming.ObjectName(IstioResourceType.Gateway, "0123abcd", "ÄÖÜ", "--"));

    [Fact]
    public void ObjectName_BadHash_Throws() =>
        Assert.Equal("hash8", Assert.Throws<ArgumentException>(() => IstioObjectNaming.ObjectName(IstioResourceType.Gateway, "XYZ", "a")).ParamName);

    [Fact]
    public void ObjectName_AnyInput_AlwaysADns1123LabelAndDeterministic() =>
        Gen.Select(Gen.String, Gen.String, Gen.String).Sample((service, ns, peer) =>
        {
            var hash = IstioObjectNaming.ServiceHash(peer, service + "." + ns);
            var name = IstioObjectNaming.ObjectName(IstioResourceType.ServiceEntry, hash, service, ns, peer);
            return IstioNames.IsDns1123Label(name) && name.StartsWith("mi-se-", StringComparison.Ordinal)
                && name == IstioObjectNaming.ObjectName(IstioResourceType.ServiceEntry, IstioObjectNaming.ServiceHash(peer, service + "." + ns), service, ns, peer);
        }, iter: 200, seed: "0000000000001");

    [Fact]
    public void Labels_PeerScopedImport_AllFourLabels()
    {
        var labels = IstioObjectNaming.Labels("import", "west", "3f9a1c2e");
        Assert.Equal("meshinterop", labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("import", labels["meshinterop.io/role"]);
        Assert.Equal("west", labels["meshinterop.io/peer"]);
        Assert.Equal("3f9a1c2e", labels["meshinterop.io/service"]);
        Assert.Equal(2, IstioObjectNaming.Labels("export", null, null).Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("west/1")]
    [InlineData("-west")]
    public void Labels_PeerNameNotALabelValue_Throws(string peer) =>
        Assert.Equal("peer", Assert.Throws<ArgumentException>(() => IstioObjectNaming.Labels("import", peer, null)).ParamName);

    [Fact]
    public void SpecHash_KeyOrderIrrelevantValueRelevant()
    {
        var a = (JsonObject)JsonNode.Parse("""{"hosts":["a"],"location":"MESH_INTERNAL"}""")!;
        var b = (JsonObject)JsonNode.Parse("""{"location":"MESH_INTERNAL","hosts":["a"]}""")!;
        var c = (JsonObject)JsonNode.Parse("""{"location":"MESH_EXTERNAL","hosts":["a"]}""")!;
        Assert.Equal(IstioObjectNaming.SpecHash(a), IstioObjectNaming.SpecHash(b));
        Assert.NotEqual(IstioObjectNaming.SpecHash(a), IstioObjectNaming.SpecHash(c));
        Assert.Equal(16, IstioObjectNaming.SpecHash(a).Length);
    }
}
