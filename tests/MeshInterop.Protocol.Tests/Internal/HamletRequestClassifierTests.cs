using MeshInterop.Protocol.Internal;

namespace MeshInterop.Protocol.Tests.Internal;

public sealed class HamletRequestClassifierTests
{
    [Fact]
    public void Classify_StatusCodeZero_IsAck_EvenWithAnEmptyNonce()
    {
        Assert.Equal(HamletRequestKind.Ack, HamletRequestClassifier.Classify(new Google.Rpc.Status(), string.Empty));
    }

    [Fact]
    public void Classify_NonZeroCode_IsNack()
    {
        Assert.Equal(HamletRequestKind.Nack, HamletRequestClassifier.Classify(new Google.Rpc.Status { Code = 14, Message = "down" }, "n1"));
    }

    [Fact]
    public void Classify_NoStatusWithNonce_IsAck()
    {
        Assert.Equal(HamletRequestKind.Ack, HamletRequestClassifier.Classify(null, "n1"));
    }

    [Fact]
    public void Classify_NoStatusNoNonce_IsADuplicateSubscribe()
    {
        Assert.Equal(HamletRequestKind.DuplicateSubscribe, HamletRequestClassifier.Classify(null, string.Empty));
    }
}
