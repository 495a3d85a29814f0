using Google.Protobuf;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.WireContract;

/// <summary>The compatibility facts between the two generations that dispatch and mapping rely on.</summary>
public sealed class VersionCompatibilityTests
{
    [Fact]
    public void ParseAsV1Alpha2_V1Alpha1Bytes_KeepsFields1To5And9()
    {
        var v1 = GoldenMessages.HttpbinV1();

        var v2 = V2.FederatedService.Parser.ParseFrom(GoldenFixture.Bytes("v1alpha1_federated_service"));

        Assert.Equal(v1.Name, v2.Name);
        Assert.Equal(v1.Description, v2.Description);
        Assert.Equal(v1.Tags, v2.Tags);
        Assert.Equal(v1.Labels, v2.Labels);
        Assert.Equal(v1.Fqdn, v2.Fqdn);
        Assert.Equal(v1.Endpoints.Select(e => (e.Address, e.Port)), v2.Endpoints.Select(e => (e.Address, e.Port)));
        Assert.Empty(v2.Sans);
        Assert.Empty(v2.Instances);
    }

    [Fact]
    public void ParseAsV1Alpha2_V1Alpha1Bytes_KeepsFields6To8AsUnknownFields()
    {
        var v2 = V2.FederatedService.Parser.ParseFrom(GoldenFixture.Bytes("v1alpha1_federated_service"));

        // The removed fields survive as unknown fields: re-serialised and read as v1alpha1, nothing is lost.
        var roundTripped = V1.FederatedService.Parser.ParseFrom(v2.ToByteArray());

        Assert.Equal(GoldenMessages.HttpbinV1(), roundTripped);
    }

    [Fact]
    public void V1Alpha2FederatedService_Reserves6To8EachOnItsOwn_AndTheRemovedNames()
    {
        var proto = HamletDescriptors.MessageProto(V2.FederatedServiceV1Alpha2Reflection.Descriptor, "FederatedService");

        Assert.Equal([(6, 7), (7, 8), (8, 9)], proto.ReservedRange.Select(range => (range.Start, range.End)));
        Assert.Equal(["id", "san", "protocols"], proto.ReservedName);
        Assert.DoesNotContain(V2.FederatedService.Descriptor.Fields.InFieldNumberOrder(), field => field.FieldNumber is >= 6 and <= 8);
    }

    [Fact]
    public void Operations_AreRenumberedBetweenEnvelopes_SoTheyMustNeverShareHandling()
    {
        // A v1alpha1 UPDATE read as v1alpha2 would mean DELETE.
        Assert.Equal((int)V1.StreamResponse.Types.Operation.Update, (int)V2.StreamResponse.Types.Operation.Delete);
        Assert.Equal([0, 1, 2, 3], Enum.GetValues<V1.StreamResponse.Types.Operation>().Select(value => (int)value));
        Assert.Equal([0, 1, 2], Enum.GetValues<V2.StreamResponse.Types.Operation>().Select(value => (int)value));
    }

    [Fact]
    public void ParseWithTheWrongEnvelope_CanSucceedWithGarbage_SoDispatchMustUseTheMethodPath()
    {
        // StreamResponse field 3 is Any in v1alpha1 and string resource_id in v1alpha2: same tag byte 0x1a.
        // When the packed resource happens to be valid UTF-8, the wrong envelope parses without error.
        var v1 = new V1.StreamResponse
        {
            Nonce = "n1",
            ResourceUrl = GoldenMessages.V1TypeUrl,
            Resource = Google.Protobuf.WellKnownTypes.Any.Pack(new V1.FederatedService { Name = "web", Fqdn = "web.example" }),
            Operation = V1.StreamResponse.Types.Operation.Update,
        };

        var misread = V2.StreamResponse.Parser.ParseFrom(v1.ToByteArray());

        Assert.Null(misread.Resource);
        Assert.StartsWith("\n>type.googleapis.com/", misread.ResourceId, StringComparison.Ordinal);
        Assert.Equal(V2.StreamResponse.Types.Operation.Unknown, misread.Operation);
    }

    [Fact]
    public void ParseWithTheWrongEnvelope_OtherwiseFails()
    {
        // The fixture's packed resource holds a varint port that is not valid UTF-8 as a string.
        Assert.Throws<InvalidProtocolBufferException>(() => V2.StreamResponse.Parser.ParseFrom(GoldenFixture.Bytes("v1alpha1_stream_response")));
    }
}
