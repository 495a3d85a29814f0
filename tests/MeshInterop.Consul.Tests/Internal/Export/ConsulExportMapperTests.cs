using System.Collections.Immutable;
using System.Text.Json;
using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Export;

namespace MeshInterop.Consul.Tests.Internal.Export;

public sealed class ConsulExportMapperTests
{
    private static readonly ConsulExportOptions Options = new() { ExportedServicesConsumer = "meshinterop-emea", TrustDomain = "7f3c1a2b.consul" };

    private static ServiceEntry Instance(string node, string id, string service = "billing", int port = 9090, params string[] statuses) => new()
    {
        Node = new NodeInfo { Node = node, Address = "10.20.0.7" },
        Service = new AgentService { ID = id, Service = service, Port = port },
        Checks = [.. statuses.Select((s, i) => new HealthCheck { CheckID = "c" + i, Status = s })],
    };

    private static ConfigEntry Exported(string json) => new()
    {
        Kind = "exported-services",
        Name = "default",
        Fields = new() { ["Services"] = JsonDocument.Parse(json).RootElement.Clone() },
    };

    [Fact]
    public void ExportedTo_AcceptsEveryConsumerSpelling_AndOnlyOurPeer()
    {
        var entry = Exported("""
            [ { "Name": "billing", "Consumers": [ { "Peer": "meshinterop-emea" }, { "Peer": "west-dc" } ] },
              { "Name": "orders", "Consumers": [ { "PeerName": "meshinterop-emea" } ] },
              { "Name": "legacy", "Consumers": [ { "peer_name": "meshinterop-emea" } ] },
              { "Name": "*", "Namespace": "payments", "Consumers": [ { "Peer": "meshinterop-emea" } ] },
              { "Name": "private", "Consumers": [ { "Peer": "west-dc" } ] },
              { "Name": "partitioned", "Consumers": [ { "Partition": "meshinterop-emea" } ] } ]
            """);

        var selected = ConsulExportMapper.ExportedTo(entry, "meshinterop-emea");

        Assert.Equal([("billing", null), ("orders", null), ("legacy", null), ("*", "payments")], selected);
        Assert.Empty(ConsulExportMapper.ExportedTo(null, "meshinterop-emea"));
    }

    [Fact]
    public void Build_FlattensChecksToWorstStatus()
    {
        var target = new ExportTarget("billing", null, ByConfigEntry: true);
        CatalogEntry? Health(params ServiceEntry[] instances) => ConsulExportMapper.Build(target, instances, [], Options, "dc1", null, Options.TrustDomain);

        Assert.Equal(ServiceHealth.Passing, Health(Instance("a", "b1", statuses: ["passing"]), Instance("b", "b2"))!.Health);
        Assert.Equal(ServiceHealth.Warning, Health(Instance("a", "b1", statuses: ["passing"]), Instance("b", "b2", statuses: ["passing", "warning"]))!.Health);
        Assert.Equal(ServiceHealth.Warning, Health(Instance("a", "b1", statuses: ["passing"]), Instance("b", "b2", statuses: ["critical"]))!.Health);
        Assert.Equal(ServiceHealth.Critical, Health(Instance("a", "b1", statuses: ["maintenance"]), Instance("b", "b2", statuses: ["critical", "passing"]))!.Health);
        Assert.Null(Health());
    }

    [Fact]
    public void Build_SameServiceIdOnTwoNodes_GetsUniqueInstanceIds()
    {
        var entry = ConsulExportMapper.Build(new ExportTarget("billing", null, true),
            [Instance("app-01", "billing"), Instance("app-02", "billing")], [], Options, "dc1", null, Options.TrustDomain)!;

        Assert.Equal(["billing.app-01", "billing.app-02"], entry.Instances.Select(i => i.Id));
        Assert.Equal(2, entry.Endpoints.Length);
        Assert.All(entry.Instances, i => Assert.Single(entry.ResolveEndpoints(i)));
    }

    [Fact]
    public void Build_NonDefaultPartitionAndNamespace_UsesConsulMeshNaming()
    {
        var entry = ConsulExportMapper.Build(new ExportTarget("Billing", "payments", true), [Instance("a", "b1", service: "Billing")],
            [new GatewayAddress("203.0.113.7", 443)], Options, "dc1", "team-a", Options.TrustDomain)!;

        Assert.Equal(new ServiceKey("billing.payments"), entry.Key);
        Assert.Equal("billing.service.payments.ns.dc1.dc.consul", entry.Fqdn);
        Assert.Equal("Billing.payments.team-a.dc1.internal-v1.7f3c1a2b.consul", entry.Sni);
        Assert.Equal(["spiffe://7f3c1a2b.consul/ap/team-a/ns/payments/dc/dc1/svc/Billing"], entry.SubjectAlternativeNames);
    }

    [Fact]
    public void Build_WithoutTrustDomain_HasNoSniOrSan()
    {
        var entry = ConsulExportMapper.Build(new ExportTarget("billing", null, true), [Instance("a", "b1")], [],
            new ConsulExportOptions { ExportTag = "x" }, "dc1", null, trustDomain: null)!;

        Assert.Equal(string.Empty, entry.Sni);
        Assert.Empty(entry.SubjectAlternativeNames);
    }

    [Fact]
    public void IsImport_RecognisesEveryLoopGuardMarker()
    {
        var plain = Instance("a", "b1");
        Assert.False(ConsulExportMapper.IsImport(plain));
        Assert.True(ConsulExportMapper.IsImport(new ServiceEntry { Node = plain.Node, Service = new AgentService { Service = "b", Meta = new() { ["external-source"] = "meshinterop" } } }));
        Assert.True(ConsulExportMapper.IsImport(new ServiceEntry { Node = plain.Node, Service = new AgentService { Service = "b", Tags = ["meshinterop"] } }));
        Assert.True(ConsulExportMapper.IsImport(new ServiceEntry { Node = plain.Node, Service = new AgentService { Service = "b", PeerName = "west-dc" } }));
        Assert.True(ConsulExportMapper.IsImport(new ServiceEntry { Node = new NodeInfo { Node = "n", Meta = new() { ["external-source"] = "meshinterop" } }, Service = plain.Service }));
    }

    [Fact]
    public void IsExportable_ProxiesAndGatewaysAreNever()
    {
        var proxy = new ServiceEntry { Node = new NodeInfo { Node = "a" }, Service = new AgentService { Service = "billing-sidecar-proxy", Kind = "connect-proxy" } };
        Assert.False(ConsulExportMapper.IsExportable(proxy, new ExportTarget("billing-sidecar-proxy", null, true), Options));
    }

    [Fact]
    public void GatewaysOf_PrefersWanAddressAndSkipsUnhealthyGateways()
    {
        ServiceEntry Gateway(string address, int port, string? wan, string status) => new()
        {
            Node = new NodeInfo { Node = "gw", Address = "10.0.0.9" },
            Service = new AgentService
            {
                Service = "mesh-gateway",
                Kind = "mesh-gateway",
                Address = address,
                Port = port,
                TaggedAddresses = wan is null ? null : new() { ["wan"] = new ServiceAddress { Address = wan, Port = 443 } },
            },
            Checks = [new HealthCheck { CheckID = "c", Status = status }],
        };

        var gateways = ConsulExportMapper.GatewaysOf([Gateway("10.0.0.9", 8443, "203.0.113.7", "passing"), Gateway("", 8443, null, "passing"), Gateway("10.0.0.10", 8443, "203.0.113.9", "critical")]);

        Assert.Equal([new GatewayAddress("10.0.0.9", 8443), new GatewayAddress("203.0.113.7", 443)], gateways.ToArray());
    }

    [Theory]
    [InlineData("gw.example.net:8443", "gw.example.net", 8443)]
    [InlineData("[2001:db8::1]:443", "2001:db8::1", 443)]
    [InlineData("203.0.113.7:1", "203.0.113.7", 1)]
    public void GatewayAddress_TryParse_Valid(string text, string host, int port)
    {
        Assert.True(GatewayAddress.TryParse(text, out var address));
        Assert.Equal(new GatewayAddress(host, port), address);
    }

    [Theory]
    [InlineData("gw.example.net")]
    [InlineData(":443")]
    [InlineData("gw:0")]
    [InlineData("gw:65536")]
    [InlineData("gw:44x")]
    public void GatewayAddress_TryParse_Invalid(string text) => Assert.False(GatewayAddress.TryParse(text, out _));

    [Fact]
    public void Validate_NoSelection_IsAnError() =>
        Assert.Contains("select what to export", Assert.Single(ConsulExportOptionsValidator.Validate(new ConsulExportOptions())), StringComparison.Ordinal);

    [Fact]
    public void Build_Entries_PassStrictValidationWithTrustDomain()
    {
        var entry = ConsulExportMapper.Build(new ExportTarget("billing", null, true), [Instance("a", "b1", statuses: ["passing"])],
            ImmutableArray<GatewayAddress>.Empty, Options, "dc1", null, Options.TrustDomain)!;

        var result = new MeshInterop.Catalog.Validation.CatalogEntryValidator(new() { Mode = MeshInterop.Catalog.Validation.CatalogValidationMode.Strict }).Validate(entry);

        Assert.True(result.IsValid, result.ToString());
    }
}
