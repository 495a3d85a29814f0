using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Internal;
using MeshInterop.Protocol.Tests.WireContract;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.Internal;

public sealed class ImportDecoderTests
{
    private readonly ImportDecoder _v2OnV1Envelope = new(HamletResourceVersion.V1Alpha2, keyedByResourceId: false, "peer");
    private readonly ImportDecoder _v2OnV2Envelope = new(HamletResourceVersion.V1Alpha2, keyedByResourceId: true, "peer");

    [Fact]
    public void Decode_ValidV1Alpha2_NormalisesSansAndRecordsTheOrigin()
    {
        var decoded = _v2OnV1Envelope.Decode(Any.Pack(GoldenMessages.WebV2()), string.Empty, isDelete: false);

        Assert.False(decoded.IsRejected, decoded.RejectReason);
        Assert.Equal("web", decoded.Key.Name);
        Assert.Equal(
            ["spiffe://consul.example/ns/default/dc/dc1/svc/web", "spiffe://consul.example/ns/default/dc/dc1/svc/web-canary"],
            decoded.Entry!.SubjectAlternativeNames);
        Assert.Equal("peer", decoded.Entry.Origin.PeerName);
    }

    [Fact]
    public void ack_type_mismatch_nacks_invalid_argument_WrongType()
    {
        var decoded = _v2OnV1Envelope.Decode(Any.Pack(GoldenMessages.HttpbinV1()), string.Empty, isDelete: false);

        Assert.True(decoded.IsRejected);
        Assert.Equal(StatusCode.InvalidArgument, decoded.RejectCode);
        Assert.Contains("type_url", decoded.RejectReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ack_type_mismatch_nacks_invalid_argument_Undecodable()
    {
        var garbage = new Any { TypeUrl = HamletResourceTypes.V1Alpha2FederatedService, Value = ByteString.CopyFrom(0x0a, 0xff, 0xff) };

        var decoded = _v2OnV1Envelope.Decode(garbage, string.Empty, isDelete: false);

        Assert.True(decoded.IsRejected);
        Assert.Contains("does not decode", decoded.RejectReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "web.example", "name")]
    [InlineData("web", "", "fqdn")]
    public void model_empty_name_or_fqdn_rejected(string name, string fqdn, string field)
    {
        var decoded = _v2OnV1Envelope.Decode(Any.Pack(new V2.FederatedService { Name = name, Fqdn = fqdn }), string.Empty, isDelete: false);

        Assert.True(decoded.IsRejected);
        Assert.Contains(field, decoded.RejectReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https", false)]
    [InlineData("Http2", false)]
    [InlineData("QUIC", true)]
    public void model_protocol_set_enforced(string protocol, bool rejected)
    {
        var service = new V2.FederatedService { Name = "db", Fqdn = "db.example", Instances = { new V2.FederatedService.Types.Instance { Id = "i1", Protocol = protocol } } };

        var decoded = _v2OnV1Envelope.Decode(Any.Pack(service), string.Empty, isDelete: false);

        Assert.Equal(rejected, decoded.IsRejected);
        if (rejected)
        {
            Assert.Contains("instances[0].protocol", decoded.RejectReason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("192.0.2.1", 0u)]
    [InlineData("192.0.2.1", 65536u)]
    [InlineData("not a host!", 443u)]
    [InlineData("192.0.2.0/24", 443u)]
    public void model_port_and_address_validated(string address, uint port)
    {
        var service = new V2.FederatedService { Name = "db", Fqdn = "db.example", Endpoints = { new V2.FederatedService.Types.Endpoint { Address = address, Port = port } } };

        var decoded = _v2OnV1Envelope.Decode(Any.Pack(service), string.Empty, isDelete: false);

        Assert.True(decoded.IsRejected);
        Assert.Contains("endpoints[0]", decoded.RejectReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MetadataKeysInAnyCase_AreStoredUpperCase_ButConflictsAreRejected()
    {
        var lowerCase = new V2.FederatedService { Name = "db", Fqdn = "db.example", Instances = { new V2.FederatedService.Types.Instance { Id = "i1", Protocol = "TCP", Metadata = { ["port"] = "5432", ["cert"] = "x" } } } };
        var conflicting = lowerCase.Clone();
        conflicting.Instances[0].Metadata["PORT"] = "6543";

        var accepted = _v2OnV1Envelope.Decode(Any.Pack(lowerCase), string.Empty, isDelete: false);
        var rejected = _v2OnV1Envelope.Decode(Any.Pack(conflicting), string.Empty, isDelete: false);

        Assert.Equal(["PORT", "cert"], accepted.Entry!.Instances[0].Metadata.Keys.Order(StringComparer.Ordinal));
        Assert.True(rejected.IsRejected);
        Assert.Contains("instances[0].metadata", rejected.RejectReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_V1Alpha2Envelope_KeysByResourceIdAndDeletesNeedNoObject()
    {
        var upsert = _v2OnV2Envelope.Decode(Any.Pack(GoldenMessages.WebV2()), "id-7", isDelete: false);
        var delete = _v2OnV2Envelope.Decode(null, "id-7", isDelete: true);
        var missingId = _v2OnV2Envelope.Decode(Any.Pack(GoldenMessages.WebV2()), string.Empty, isDelete: false);

        Assert.Equal("id-7", upsert.Key.Name);
        Assert.False(delete.IsRejected);
        Assert.Equal("id-7", delete.Key.Name);
        Assert.True(missingId.IsRejected);
    }

    [Fact]
    public void Decode_V1Alpha2EnvelopeEmptyName_RejectedUnderTheResourceId()
    {
        var nameless = GoldenMessages.WebV2();
        nameless.Name = string.Empty;

        var decoded = _v2OnV2Envelope.Decode(Any.Pack(nameless), "id-7", isDelete: false);

        Assert.True(decoded.IsRejected);
        Assert.Equal(StatusCode.InvalidArgument, decoded.RejectCode);
        Assert.Equal("id-7", decoded.Key.Name);
        Assert.Contains("'name' is empty", decoded.RejectReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_V1Alpha1Resource_KeysByIdAndAcceptsCidr()
    {
        var decoder = new ImportDecoder(HamletResourceVersion.V1Alpha1, keyedByResourceId: false, "peer");
        var service = new V1.FederatedService { Id = "sni.example", Fqdn = "svc.example", Protocols = { "https" }, Endpoints = { new V1.FederatedService.Types.Endpoint { Address = "192.0.2.0/24", Port = 443 } } };

        var decoded = decoder.Decode(Any.Pack(service), string.Empty, isDelete: false);

        Assert.False(decoded.IsRejected, decoded.RejectReason);
        Assert.Equal("sni.example", decoded.Key.Name);
        Assert.Equal(["HTTPS"], decoded.Entry!.Protocols);
    }

    [Fact]
    public void Decode_MissingResourceOnUpsert_IsRejected()
    {
        Assert.True(_v2OnV1Envelope.Decode(null, string.Empty, isDelete: false).IsRejected);
    }
}
