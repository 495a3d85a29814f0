using System.Text;
using Google.Protobuf;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.WireContract;

/// <summary>The literal encodings the protocol reference lists (section 2.9), checked against the fixtures and the runtime.</summary>
public sealed class ReferenceBytesTests
{
    private static readonly string V1UrlHex = Convert.ToHexString(Encoding.ASCII.GetBytes(GoldenMessages.V1TypeUrl));
    private static readonly string V2UrlHex = Convert.ToHexString(Encoding.ASCII.GetBytes(GoldenMessages.V2TypeUrl));

    [Fact]
    public void InitialRequest_V1Alpha1_Is64BytesStartingWithTheTypeUrl()
    {
        var bytes = GoldenFixture.Bytes("v1alpha1_initial_request");

        Assert.Equal(64, bytes.Length);
        Assert.Equal("0A3E" + V1UrlHex, Convert.ToHexString(bytes));
    }

    [Theory]
    [InlineData("v1alpha1_ack_empty_nonce", "1A00")]
    [InlineData("v1alpha1_ack", "12026E311A00")]
    [InlineData("v1alpha1_nack", "12026E311A0708031203626164")]
    public void Answers_V1Alpha1_AreTheInitialRequestPlusTheReferenceSuffix(string fixture, string suffix)
    {
        var initial = Convert.ToHexString(GoldenFixture.Bytes("v1alpha1_initial_request"));

        Assert.Equal(initial + suffix, Convert.ToHexString(GoldenFixture.Bytes(fixture)));
    }

    [Fact]
    public void Ack_WithEmptyStatus_KeepsStatusPresentOnTheWire()
    {
        // An ACK must carry status: absent (null) and present-with-code-0 ("1a 00") differ on the wire.
        var ack = new V1.StreamRequest { ResourceUrl = GoldenMessages.V1TypeUrl, Status = new Google.Rpc.Status() };
        var initial = new V1.StreamRequest { ResourceUrl = GoldenMessages.V1TypeUrl };

        Assert.EndsWith("1A00", Convert.ToHexString(ack.ToByteArray()), StringComparison.Ordinal);
        Assert.Equal(ack.CalculateSize() - 2, initial.CalculateSize());
    }

    [Fact]
    public void InitialFrame_V1Alpha2_MatchesReference()
    {
        Assert.Equal("0A430A3E" + V2UrlHex + "220174", Convert.ToHexString(GoldenFixture.Bytes("v1alpha2_initial_frame")));
    }

    [Theory]
    [InlineData(V1.StreamResponse.Types.Operation.Create, "2001")]
    [InlineData(V1.StreamResponse.Types.Operation.Update, "2002")]
    [InlineData(V1.StreamResponse.Types.Operation.Delete, "2003")]
    public void Operation_V1Alpha1_EncodesAsField4(V1.StreamResponse.Types.Operation operation, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(new V1.StreamResponse { Operation = operation }.ToByteArray()));
    }

    [Theory]
    [InlineData(V2.StreamResponse.Types.Operation.Upsert, "2801")]
    [InlineData(V2.StreamResponse.Types.Operation.Delete, "2802")]
    public void Operation_V1Alpha2_EncodesAsField5(V2.StreamResponse.Types.Operation operation, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(new V2.StreamResponse { Operation = operation }.ToByteArray()));
    }
}
