using System.Security.Authentication;
using Grpc.Core;
using MeshInterop.Protocol.Internal;

namespace MeshInterop.Protocol.Tests.Internal;

public sealed class StreamFailureClassifierTests
{
    [Theory]
    [InlineData(StatusCode.Unauthenticated, true)]
    [InlineData(StatusCode.PermissionDenied, true)]
    [InlineData(StatusCode.InvalidArgument, true)]
    [InlineData(StatusCode.Unimplemented, true)]
    [InlineData(StatusCode.Unavailable, false)]
    [InlineData(StatusCode.Unknown, false)]
    [InlineData(StatusCode.Internal, false)]
    [InlineData(StatusCode.DeadlineExceeded, false)]
    [InlineData(StatusCode.ResourceExhausted, false)]
    [InlineData(StatusCode.Aborted, false)]
    [InlineData(StatusCode.Cancelled, false)]
    [InlineData(StatusCode.OK, false)]
    public void Classify_StatusCode_FollowsTheClientClassification(StatusCode code, bool fatal)
    {
        var expected = fatal ? StreamFailureKind.Fatal : StreamFailureKind.Retryable;
        Assert.Equal(expected, StreamFailureClassifier.Classify(new RpcException(new Status(code, "x")), tlsFailuresAreFatal: true));
    }

    [Fact]
    public void Classify_UnavailableCausedByTlsAuthentication_IsFatalByDefault_AndRetryableWhenConfigured()
    {
        var handshake = new HttpRequestException("The SSL connection could not be established.", new AuthenticationException("remote certificate rejected"));
        var failure = new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call.", handshake));

        Assert.Equal(StreamFailureKind.Fatal, StreamFailureClassifier.Classify(failure, tlsFailuresAreFatal: true));
        Assert.Equal(StreamFailureKind.Retryable, StreamFailureClassifier.Classify(failure, tlsFailuresAreFatal: false));
    }

    [Fact]
    public void Classify_InternalCausedByTlsAuthentication_IsFatal()
    {
        var handshake = new HttpRequestException("The SSL connection could not be established.", new AuthenticationException("remote certificate rejected"));
        var failure = new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call.", handshake));

        Assert.Equal(StreamFailureKind.Fatal, StreamFailureClassifier.Classify(failure, tlsFailuresAreFatal: true));
    }

    [Fact]
    public void Classify_PlainUnavailable_IsRetryable()
    {
        var refused = new RpcException(new Status(StatusCode.Unavailable, "Connection refused", new HttpRequestException("refused")));

        Assert.Equal(StreamFailureKind.Retryable, StreamFailureClassifier.Classify(refused, tlsFailuresAreFatal: true));
    }

    [Fact]
    public void Classify_StreamEndedWithoutError_IsRetryable()
    {
        Assert.Equal(StreamFailureKind.Retryable, StreamFailureClassifier.Classify(null, tlsFailuresAreFatal: true));
    }
}
