using MeshInterop.Catalog;
using MeshInterop.Protocol.Mapping;
using MeshInterop.Protocol.Tests.WireContract;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.Mapping;

public sealed class MapperTests
{
    [Fact]
    public void V1Alpha2_WireToCatalogToWire_LosesNothing()
    {
        var wire = GoldenMessages.WebV2();

        var entry = V1Alpha2Mapper.ToCatalog(wire, new ServiceKey(wire.Name), CatalogOrigin.FromPeer("peer", new ServiceKey(wire.Name)));
        var back = V1Alpha2Mapper.ToWire(entry);

        Assert.Equal(Canonical(wire), Canonical(back));
    }

    [Fact]
    public void V1Alpha2_SansAreEmittedExactlyAsSupplied()
    {
        var entry = V1Alpha2Mapper.ToCatalog(GoldenMessages.WebV2(), new ServiceKey("web"), CatalogOrigin.Local);

        Assert.Equal(GoldenMessages.WebV2().Sans, V1Alpha2Mapper.ToWire(entry).Sans);
    }

    [Fact]
    public void V1Alpha1_WireToCatalogToWire_LosesNothing()
    {
        var wire = GoldenMessages.HttpbinV1();

        var entry = V1Alpha1Mapper.ToCatalog(wire, new ServiceKey(V1Alpha1Mapper.KeyOf(wire)), CatalogOrigin.Local);
        var back = V1Alpha1Mapper.ToWire(entry);

        Assert.Equal(wire.Id, entry.Sni);
        Assert.Equal(Canonical(wire), Canonical(back));
    }

    [Fact]
    public void V1Alpha1_KeyIsIdOrElseFqdn()
    {
        Assert.Equal("sni.example", V1Alpha1Mapper.KeyOf(new V1.FederatedService { Id = "sni.example", Fqdn = "f.example" }));
        Assert.Equal("f.example", V1Alpha1Mapper.KeyOf(new V1.FederatedService { Fqdn = "f.example" }));
    }

    [Fact]
    public void V1Alpha1_FromInstanceShapedEntry_TakesProtocolsFromInstances()
    {
        var entry = V1Alpha2Mapper.ToCatalog(GoldenMessages.WebV2(), new ServiceKey("web"), CatalogOrigin.Local);

        var wire = V1Alpha1Mapper.ToWire(entry);

        Assert.Equal(["HTTP", "MTLS"], wire.Protocols);
        Assert.Equal("URI:spiffe://consul.example/ns/default/dc/dc1/svc/web", wire.San);
    }

    [Fact]
    public void WirePort_BeyondIntRange_ClampsInsteadOfWrapping()
    {
        Assert.Equal(int.MaxValue, WirePort.ToCatalog(uint.MaxValue));
        Assert.Equal(65535, WirePort.ToCatalog(65535));
    }

    // The catalog keeps sets and lists in canonical order; compare the wire messages in that order too.
    private static V2.FederatedService Canonical(V2.FederatedService wire)
    {
        var copy = wire.Clone();
        Sort(copy.Tags);
        var endpoints = copy.Endpoints.OrderBy(e => e.Address, StringComparer.Ordinal).ThenBy(e => e.Port).ToList();
        copy.Endpoints.Clear();
        foreach (var endpoint in endpoints)
        {
            Sort(endpoint.Labels);
            copy.Endpoints.Add(endpoint);
        }

        var instances = copy.Instances.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        copy.Instances.Clear();
        foreach (var instance in instances)
        {
            Sort(instance.EndpointSelector);
            copy.Instances.Add(instance);
        }

        return copy;
    }

    private static V1.FederatedService Canonical(V1.FederatedService wire)
    {
        var copy = wire.Clone();
        Sort(copy.Tags);
        var protocols = copy.Protocols.Select(p => p.ToUpperInvariant()).Order(StringComparer.Ordinal).ToList();
        copy.Protocols.Clear();
        copy.Protocols.Add(protocols);
        var endpoints = copy.Endpoints.OrderBy(e => e.Address, StringComparer.Ordinal).ThenBy(e => e.Port).ToList();
        copy.Endpoints.Clear();
        copy.Endpoints.Add(endpoints);
        return copy;
    }

    private static void Sort(Google.Protobuf.Collections.RepeatedField<string> values)
    {
        var sorted = values.Order(StringComparer.Ordinal).ToList();
        values.Clear();
        values.Add(sorted);
    }
}
