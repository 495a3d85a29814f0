using System.Text.Json.Nodes;
using CsCheck;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Resources;

public sealed class IstioResourceTests
{
    public static TheoryData<string, IstioApiVersion> ReleasesAndVersions()
    {
        var data = new TheoryData<string, IstioApiVersion>();
        foreach (var release in IstioCrds.Releases)
        {
            data.Add(release, IstioApiVersion.V1);
            data.Add(release, IstioApiVersion.V1Beta1);
        }

        return data;
    }

    [Fact]
    public void ToYaml_WorkedExample_MatchesGolden()
    {
        var yaml = IstioManifest.ToYaml(WorkedExample.All());
        Golden.AssertMatches(yaml, "WorkedExample.yaml");
    }

    [Fact]
    public void ToYaml_SameInputTwice_IdenticalBytes()
    {
        var first = IstioManifest.ToYaml(WorkedExample.All());
        var second = IstioManifest.ToYaml(WorkedExample.All().Reverse());
        Assert.Equal(first, second);
    }

    [Fact]
    public void ToJson_ServiceEntry_SortsSetsAndEndpointsAndKeys()
    {
        var json = WorkedExample.ImportServiceEntry().ToJsonObject(IstioApiVersion.V1);
        var endpoints = json["spec"]!["endpoints"]!.AsArray();
        Assert.Equal("203.0.113.10", (string?)endpoints[0]!["address"]);
        Assert.Equal("203.0.113.11", (string?)endpoints[1]!["address"]);
        Assert.Equal(["security.istio.io/tlsMode", "topology.istio.io/network"], endpoints[0]!["labels"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], json.Select(p => p.Key));
        var specKeys = json["spec"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(specKeys.Order(StringComparer.Ordinal), specKeys);
    }

    [Fact]
    public void ToJson_SetLists_DeduplicatedAndSorted()
    {
        var entry = new ServiceEntry
        {
            Metadata = new() { Name = "x", Namespace = "ns" },
            Spec = new() { Hosts = ["b.example", "a.example", "b.example"], SubjectAltNames = ["spiffe://z/ns/a/sa/b", "spiffe://a/ns/a/sa/b"] },
        };
        var spec = entry.ToJsonObject(IstioApiVersion.V1)["spec"]!;
        Assert.Equal("[\"a.example\",\"b.example\"]", spec["hosts"]!.ToJsonString());
        Assert.Equal("[\"spiffe://a/ns/a/sa/b\",\"spiffe://z/ns/a/sa/b\"]", spec["subjectAltNames"]!.ToJsonString());
    }

    [Fact]
    public void ToJson_UnsetFields_Omitted()
    {
        var pa = new PeerAuthentication { Metadata = new() { Name = "x", Namespace = "ns" }, Spec = new() };
        Assert.Equal(
            "{\"apiVersion\":\"security.istio.io/v1\",\"kind\":\"PeerAuthentication\",\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\"},\"spec\":{}}",
            pa.ToJson(IstioApiVersion.V1));
    }

    [Theory]
    [InlineData(IstioApiVersion.V1, "networking.istio.io/v1", "security.istio.io/v1")]
    [InlineData(IstioApiVersion.V1Beta1, "networking.istio.io/v1beta1", "security.istio.io/v1beta1")]
    public void ToJsonObject_ApiVersion_WrittenPerGroup(IstioApiVersion version, string networking, string security)
    {
        Assert.Equal(networking, (string?)WorkedExample.ImportServiceEntry().ToJsonObject(version)["apiVersion"]);
        Assert.Equal(security, (string?)WorkedExample.RatingsPeerAuthentication().ToJsonObject(version)["apiVersion"]);
    }

    [Fact]
    public void ToJsonObject_UndefinedVersion_Throws() =>
        Assert.Equal("version", Assert.Throws<ArgumentOutOfRangeException>(() => WorkedExample.ImportServiceEntry().ToJsonObject((IstioApiVersion)7)).ParamName);

    [Fact]
    public void ToYaml_ParsedBack_EqualsJson()
    {
        foreach (var resource in WorkedExample.All().Concat(WorkedExample.EveryField()))
        {
            var parsed = YamlJson.ReadDocuments(resource.ToYaml(IstioApiVersion.V1));
            Assert.True(JsonNode.DeepEquals(resource.ToJsonObject(IstioApiVersion.V1), Assert.Single(parsed)), resource.Metadata.Name);
        }
    }

    [Fact]
    public void ToJson_Durations_WrittenAsProtobufSeconds()
    {
        var detection = new OutlierDetection { Interval = TimeSpan.FromSeconds(10), BaseEjectionTime = TimeSpan.FromMilliseconds(250) };
        var rule = new DestinationRule
        {
            Metadata = new() { Name = "x", Namespace = "ns" },
            Spec = new() { Host = "a.example", TrafficPolicy = new() { OutlierDetection = detection } },
        };
        var json = rule.ToJsonObject(IstioApiVersion.V1)["spec"]!["trafficPolicy"]!["outlierDetection"]!;
        Assert.Equal("10s", (string?)json["interval"]);
        Assert.Equal("0.25s", (string?)json["baseEjectionTime"]);
    }

    [Theory]
    [MemberData(nameof(ReleasesAndVersions))]
    public void WorkedExample_SchemaAndWebhook_NoErrors(string release, IstioApiVersion version)
    {
        var schemas = IstioCrds.For(release);
        foreach (var resource in WorkedExample.All())
        {
            var json = resource.ToJsonObject(version);
            Assert.True(schemas.TryGetSchemaFor(json, out var schema), $"{release} has no schema for {json["apiVersion"]}");
            var issues = schema.Validate(json).Issues.Concat(IstioWebhookValidator.Validate(json).Issues).ToList();
            Assert.True(issues.Count == 0, $"{resource.Metadata.Name}: {string.Join("; ", issues)}");
        }
    }

    [Theory]
    [MemberData(nameof(ReleasesAndVersions))]
    public void EveryField_SchemaAndWebhook_NoErrors(string release, IstioApiVersion version)
    {
        // Every property of the typed model is set here, so a field absent from 1.24.6 would fail as unknown.
        var schemas = IstioCrds.For(release);
        foreach (var resource in WorkedExample.EveryField())
        {
            var json = resource.ToJsonObject(version);
            Assert.True(schemas.TryGetSchemaFor(json, out var schema));
            var errors = schema.Validate(json).Errors.Concat(IstioWebhookValidator.Validate(json).Errors).ToList();
            Assert.True(errors.Count == 0, $"{resource.ResourceType.Kind} {resource.Metadata.Name}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void IstioManifest_DuplicateName_ThrowsNamingTheObject()
    {
        var error = Assert.Throws<ArgumentException>(() => IstioManifest.ToYaml([WorkedExample.ImportServiceEntry(), WorkedExample.ImportServiceEntry()]));
        Assert.Equal("resources", error.ParamName);
        Assert.Contains("mesh-imports/mi-se-reviews-bookinfo-west-3f9a1c2e", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IstioManifest_Null_Throws() =>
        Assert.Equal("resources", Assert.Throws<ArgumentNullException>(() => IstioManifest.ToYaml(null!)).ParamName);

    [Fact]
    public void IstioManifest_Empty_WritesNothing() => Assert.Equal(string.Empty, IstioManifest.ToYaml([]));

    [Fact]
    public void IstioManifest_V1Beta1ForPeerAuthentication_OnlyThatKindChanges()
    {
        var yaml = IstioManifest.ToYaml(WorkedExample.All(), t => t == IstioResourceType.PeerAuthentication ? IstioApiVersion.V1Beta1 : IstioApiVersion.V1);
        Assert.Contains("apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication", yaml, StringComparison.Ordinal);
        Assert.Contains("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ToYaml_ArbitraryLabelValues_RoundTrip() =>
        Gen.String.Select(Gen.String, Gen.Int[0, 70_000]).Sample((key, value, port) =>
        {
            var we = new WorkloadEntry
            {
                Metadata = new()
                {
                    Name = "x",
                    Namespace = "ns",
                    Labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["k" + key] = value },
                    Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["a"] = key + value },
                },
                Spec = new() { Address = value, Network = key, Ports = new Dictionary<string, int>(StringComparer.Ordinal) { [value.Length == 0 ? "p" : value] = port } },
            };
            var json = we.ToJsonObject(IstioApiVersion.V1);
            return JsonNode.DeepEquals(json, YamlJson.ReadDocuments(we.ToYaml(IstioApiVersion.V1)).Single());
        }, iter: 200, seed: "0N0XIzNsQ0O2");
}
