using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// A hand-driven Hamlet peer over the consumer agent's mTLS channel: the test writes every frame itself, so it
/// can send what the consumer engine never would (unknown nonces, a changed type URL, a response first).
/// </summary>
internal sealed class RawHamletClient : IDisposable
{
    public static readonly string V1Url = HamletResourceTypes.TypeUrl(HamletResourceVersion.V1Alpha1);
    public static readonly string V2Url = HamletResourceTypes.TypeUrl(HamletResourceVersion.V1Alpha2);

    private readonly GrpcChannel _channel;

    public RawHamletClient(Uri owner) =>
        _channel = GrpcChannel.ForAddress(owner, new GrpcChannelOptions { HttpHandler = MtlsGrpcHost.ConsumerTls().CreateHttpHandler() });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public AsyncDuplexStreamingCall<V1.StreamRequest, V1.StreamResponse> OpenV1(int window = 1) =>
        new V1.DiscoveryService.DiscoveryServiceClient(_channel).EstablishStream(Headers(window), cancellationToken: Token);

    public AsyncDuplexStreamingCall<V2.BidirectionalStream, V2.BidirectionalStream> OpenV2(int window = 1) =>
        new V2.DiscoveryService.DiscoveryServiceClient(_channel).EstablishStream(Headers(window), cancellationToken: Token);

    /// <summary>Opens a v1alpha1 stream subscribed to <paramref name="resourceUrl"/>.</summary>
    public async Task<AsyncDuplexStreamingCall<V1.StreamRequest, V1.StreamResponse>> SubscribeV1Async(string resourceUrl, int window = 1)
    {
        var call = OpenV1(window);
        await call.RequestStream.WriteAsync(new V1.StreamRequest { ResourceUrl = resourceUrl }, Token);
        return call;
    }

    /// <summary>Opens a v1alpha2 stream subscribed to v1alpha2 resources with <paramref name="context"/>.</summary>
    public async Task<AsyncDuplexStreamingCall<V2.BidirectionalStream, V2.BidirectionalStream>> SubscribeV2Async(string context = "", int window = 1)
    {
        var call = OpenV2(window);
        await call.RequestStream.WriteAsync(new V2.BidirectionalStream { Request = new V2.StreamRequest { ResourceUrl = V2Url, Context = context } }, Token);
        return call;
    }

    public static V1.StreamRequest Ack(V1.StreamResponse response) =>
        new() { ResourceUrl = response.ResourceUrl, ResponseNonce = response.Nonce, Status = new Google.Rpc.Status() };

    public static V1.StreamRequest Nack(V1.StreamResponse response, StatusCode code, string message) =>
        new() { ResourceUrl = response.ResourceUrl, ResponseNonce = response.Nonce, Status = new Google.Rpc.Status { Code = (int)code, Message = message } };

    public static V2.BidirectionalStream Ack(V2.StreamResponse response, string context = "") =>
        new() { Request = new V2.StreamRequest { ResourceUrl = response.ResourceUrl, ResponseNonce = response.Nonce, Status = new Google.Rpc.Status(), Context = context } };

    /// <summary>Reads the next frame; fails the test if the stream ends first.</summary>
    public static async Task<T> NextAsync<T>(IAsyncStreamReader<T> reader)
    {
        Assert.True(await reader.MoveNext(Token), "The stream ended before the next frame.");
        return reader.Current;
    }

    /// <summary>Reads until the stream ends and returns the status it ended with.</summary>
    public static async Task<Status> EndAsync<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call) => await EndAsync(call.ResponseStream);

    private static async Task<Status> EndAsync<T>(IAsyncStreamReader<T> reader)
    {
        try
        {
            while (await reader.MoveNext(Token))
            {
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    public void Dispose() => _channel.Dispose();

    private static Metadata Headers(int window) => window > 1
        ? new Metadata { { MeshInteropHeaders.Window, window.ToString(CultureInfo.InvariantCulture) } }
        : [];
}
