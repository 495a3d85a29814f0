using System.Security.Authentication;
using Grpc.Core;

namespace MeshInterop.Protocol.Internal;

/// <summary>Whether a consumer tries a peer again after its stream ended.</summary>
internal enum StreamFailureKind
{
    /// <summary>Transient: reconnect with backoff.</summary>
    Retryable,

    /// <summary>The peers are not federated, or one of them is misconfigured: stop and surface the reason.</summary>
    Fatal,
}

/// <summary>
/// The MeshInterop client classification of how a stream ended (protocol reference 3.1 and G14):
/// <c>Unauthenticated</c>, <c>PermissionDenied</c>, <c>InvalidArgument</c> and <c>Unimplemented</c> are
/// fatal, and so, by default, is a TLS authentication failure, which gRPC reports as <c>Unavailable</c>
/// (or <c>Internal</c>) with the handshake's exception inside. Everything else, including an <c>OK</c> end of stream, retries.
/// </summary>
internal static class StreamFailureClassifier
{
    public static StreamFailureKind Classify(Exception? failure, bool tlsFailuresAreFatal)
    {
        if (failure is null)
        {
            return StreamFailureKind.Retryable;
        }

        // Checked before the status code: depending on where the handshake fails, grpc-dotnet reports it as
        // Unavailable or Internal, always with the AuthenticationException inside.
        if (tlsFailuresAreFatal && IsTlsAuthenticationFailure(failure))
        {
            return StreamFailureKind.Fatal;
        }

        return failure is RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument or StatusCode.Unimplemented }
            ? StreamFailureKind.Fatal
            : StreamFailureKind.Retryable;
    }

    /// <summary>Finds a TLS handshake or certificate failure anywhere in the exception chain.</summary>
    public static bool IsTlsAuthenticationFailure(Exception failure)
    {
        // Bounded walk: exception chains are short, but a cycle must not hang the consumer.
        var current = failure;
        for (var depth = 0; current is not null && depth < 16; depth++)
        {
            if (current is AuthenticationException)
            {
                return true;
            }

            current = current is RpcException rpc && rpc.Status.DebugException is { } debug && !ReferenceEquals(debug, current)
                ? debug
                : current.InnerException;
        }

        return false;
    }
}
