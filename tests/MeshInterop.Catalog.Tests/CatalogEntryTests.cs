using System.Collections.Immutable;

namespace MeshInterop.Catalog.Tests;

public sealed class CatalogEntryTests
{
    private static CatalogEntry Sample() => new()
    {
        Key = new ServiceKey("httpbin"),
        Name = "httpbin",
        Fqdn = "httpbin.mesh-b.example",
        Description = "echo service",
        Tags = ["b", "a", "b"],
        Labels = StringMap.Create(new KeyValuePair<string, string>("team", "web"), new KeyValuePair<string, string>("app", "httpbin")),
        SubjectAlternativeNames = ["spiffe://mesh-b.example/ns/default/sa/httpbin"],
        Endpoints =
        [
            new CatalogEndpoint { Address = "203.0.113.20", Port = 15443, Labels = ["west"] },
            new CatalogEndpoint { Address = "203.0.113.10", Port = 15443, Labels = ["east", "all"] },
        ],
        Instances = [new CatalogInstance { Id = "v1", Protocol = "http", EndpointSelector = ["east"] }],
        Ports = [new ServicePort { Name = "http", Port = 8000, Protocol = "http", TargetPort = 80 }],
        Locality = new ServiceLocality { Region = "eu", Zone = "eu-1" },
        Health = ServiceHealth.Passing,
    };

    [Fact]
    public void Equals_WithNoChanges_IsEqualWithSameHash()
    {
        var entry = Sample();
        var copy = entry with { };

        Assert.NotSame(entry, copy);
        Assert.Equal(entry, copy);
        Assert.Equal(entry.ContentHash, copy.ContentHash);
        Assert.Equal(entry.GetHashCode(), copy.GetHashCode());
    }

    [Fact]
    public void Equals_SeparatelyBuiltSameContent_IsEqual()
    {
        Assert.Equal(Sample(), Sample());
        Assert.Equal(Sample().ContentHash, Sample().ContentHash);
    }

    [Fact]
    public void With_AfterHashWasCached_RecomputesHash()
    {
        var entry = Sample();
        var before = entry.ContentHash;
        var changed = entry with { Description = "changed" };

        Assert.NotEqual(before, changed.ContentHash);
        Assert.NotEqual(entry, changed);
    }

    public static TheoryData<string> Mutations => ["Name", "Fqdn", "Description", "Tags", "Labels", "Sans", "Protocols", "Sni", "Endpoints", "EndpointLabel", "EndpointDescription", "Instances", "InstanceMetadata", "InstanceSelector", "Ports", "Locality", "Health", "Origin", "Key"];

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Equals_AnyFieldChanged_IsNotEqual(string field)
    {
        var entry = Sample();
        var endpoint = entry.Endpoints[0];
        var instance = entry.Instances[0];
        var changed = field switch
        {
            "Name" => entry with { Name = "other" },
            "Fqdn" => entry with { Fqdn = "other.example" },
            "Description" => entry with { Description = "other" },
            "Tags" => entry with { Tags = ["a"] },
            "Labels" => entry with { Labels = entry.Labels.SetItem("app", "other") },
            "Sans" => entry with { SubjectAlternativeNames = ["spiffe://mesh-b.example/other"] },
            "Protocols" => entry with { Protocols = ["HTTP"] },
            "Sni" => entry with { Sni = "outbound_.8000_._.httpbin" },
            "Endpoints" => entry with { Endpoints = [endpoint] },
            "EndpointLabel" => entry with { Endpoints = [endpoint with { Labels = ["north"] }, entry.Endpoints[1]] },
            "EndpointDescription" => entry with { Endpoints = [endpoint with { Description = "gw" }, entry.Endpoints[1]] },
            "Instances" => entry with { Instances = [] },
            "InstanceMetadata" => entry with { Instances = [instance with { Metadata = StringMap.Create(new KeyValuePair<string, string>("SNI", "x")) }] },
            "InstanceSelector" => entry with { Instances = [instance with { EndpointSelector = [] }] },
            "Ports" => entry with { Ports = [entry.Ports[0] with { TargetPort = 8080 }] },
            "Locality" => entry with { Locality = new ServiceLocality { Region = "eu", Zone = "eu-2" } },
            "Health" => entry with { Health = ServiceHealth.Critical },
            "Origin" => entry with { Origin = CatalogOrigin.FromPeer("mesh-b", entry.Key) },
            "Key" => entry with { Key = new ServiceKey("other") },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.NotEqual(entry, changed);
        Assert.NotEqual(entry.ContentHash, changed.ContentHash);
    }

    [Fact]
    public void Init_SetsAndLists_AreCanonicallyOrdered()
    {
        var entry = Sample();

        Assert.Equal(["a", "b"], entry.Tags);
        Assert.Equal(["203.0.113.10", "203.0.113.20"], entry.Endpoints.Select(e => e.Address));
        Assert.Equal(["all", "east"], entry.Endpoints[0].Labels);
        Assert.Equal(["app", "team"], entry.Labels.Keys);
    }

    [Fact]
    public void Init_DifferentInputOrder_GivesEqualEntries()
    {
        var entry = Sample();
        var reordered = entry with
        {
            Tags = ["a", "b"],
            Endpoints = [entry.Endpoints[1], entry.Endpoints[0]],
            Labels = StringMap.Create(entry.Labels.Reverse()),
        };

        Assert.Equal(entry, reordered);
        Assert.Equal(entry.ContentHash, reordered.ContentHash);
    }

    [Fact]
    public void Init_ProtocolsInAnyCase_StoredUpperCase()
    {
        var entry = Sample() with { Protocols = ["https", "custom-proto", "HTTPS"] };

        Assert.Equal(["HTTPS", "custom-proto"], entry.Protocols);
        Assert.Equal(ServiceProtocols.Http, entry.Instances[0].Protocol);
        Assert.Equal(ServiceProtocols.Http, entry.Ports[0].Protocol);
    }

    [Fact]
    public void Init_SubjectAlternativeNames_KeepSuppliedOrder()
    {
        var entry = Sample() with { SubjectAlternativeNames = ["spiffe://b/x", "spiffe://a/x"] };

        Assert.Equal(["spiffe://b/x", "spiffe://a/x"], entry.SubjectAlternativeNames);
    }

    [Fact]
    public void Defaults_AreEmptyNotDefault()
    {
        var entry = new CatalogEntry { Key = new ServiceKey("a") };

        Assert.False(entry.Tags.IsDefault);
        Assert.False(entry.Endpoints.IsDefault);
        Assert.False(entry.Instances.IsDefault);
        Assert.True(entry.Labels.IsEmpty);
        Assert.Same(CatalogOrigin.Local, entry.Origin);
        Assert.Equal(entry, new CatalogEntry { Key = new ServiceKey("a"), Tags = default, Endpoints = ImmutableArray<CatalogEndpoint>.Empty });
    }

    [Fact]
    public void ResolveEndpoints_SelectorMatches_ReturnsOnlyMatching()
    {
        var entry = Sample();

        var endpoints = entry.ResolveEndpoints(entry.Instances[0]);

        Assert.Equal(["203.0.113.10"], endpoints.Select(e => e.Address));
    }

    [Fact]
    public void ResolveEndpoints_SelectorMatchesNothing_ReturnsAll()
    {
        var entry = Sample();
        var instance = entry.Instances[0] with { EndpointSelector = ["zzz"] };

        Assert.Equal(entry.Endpoints, entry.ResolveEndpoints(instance));
    }

    [Fact]
    public void ResolveEndpoints_EmptySelector_ReturnsAll()
    {
        var entry = Sample();
        var instance = entry.Instances[0] with { EndpointSelector = [] };

        Assert.Equal(entry.Endpoints, entry.ResolveEndpoints(instance));
    }

    [Fact]
    public void GetUnselectedEndpoints_OneEndpointUnused_ReturnsIt()
    {
        Assert.Equal(["203.0.113.20"], Sample().GetUnselectedEndpoints().Select(e => e.Address));
    }

    [Theory]
    [InlineData("i1", "db.mysql.com", "i1.db.mysql.com")]
    [InlineData("Inst_Pool.1", "db.mysql.com", "inst-pool-1.db.mysql.com")]
    [InlineData("--x--", "db.mysql.com", "x.db.mysql.com")]
    [InlineData("___", "db.mysql.com", null)]
    [InlineData("i1", "", null)]
    public void GetInstanceFqdn_DerivesLabelDotFqdn(string id, string fqdn, string? expected)
    {
        var entry = Sample() with { Fqdn = fqdn };

        Assert.Equal(expected, entry.GetInstanceFqdn(new CatalogInstance { Id = id, Protocol = "TCP" }));
    }

    [Fact]
    public void GetDnsLabel_LongId_TruncatedTo63WithoutTrailingHyphen()
    {
        var id = new string('a', 62) + "_b" + new string('c', 300);

        var label = new CatalogInstance { Id = id, Protocol = "TCP" }.GetDnsLabel();

        Assert.Equal(new string('a', 62), label);
    }

    [Fact]
    public void Origin_Null_ThrowsWithParamName()
    {
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => Sample() with { Origin = null! }).ParamName);
    }
}
