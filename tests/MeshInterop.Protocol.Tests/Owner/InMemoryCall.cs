using System.Threading.Channels;
using Grpc.Core;

namespace MeshInterop.Protocol.Tests.Owner;

/// <summary>An in-process gRPC duplex call for driving a stream session directly, without a network.</summary>
internal sealed class InMemoryCall<TRequest, TResponse> : ServerCallContext
{
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource<Metadata> _responseHeaders = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InMemoryCall(Metadata? requestHeaders, CancellationToken cancellationToken)
    {
        RequestHeadersCore = requestHeaders ?? [];
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public Channel<TRequest> Requests { get; } = Channel.CreateUnbounded<TRequest>();

    public Channel<TResponse> Responses { get; } = Channel.CreateUnbounded<TResponse>();

    public RequestReader Reader => new(Requests.Reader);

    public ResponseWriter Writer => new(Responses.Writer);

    public Task<Metadata> ResponseHeaders => _responseHeaders.Task;

    protected override string MethodCore => "/test/EstablishStream";

    protected override string HostCore => "127.0.0.1";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore { get; }

    protected override CancellationToken CancellationTokenCore => _cancellation.Token;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    public void Send(TRequest request) => Assert.True(Requests.Writer.TryWrite(request));

    public void CompleteRequests() => Requests.Writer.Complete();

    public void Cancel() => _cancellation.Cancel();

    public async Task<TResponse> NextResponseAsync() => await Responses.Reader.ReadAsync(TestContext.Current.CancellationToken);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        Assert.True(_responseHeaders.TrySetResult(responseHeaders), "Response headers were written twice.");
        return Task.CompletedTask;
    }

    public sealed class RequestReader(ChannelReader<TRequest> requests) : IAsyncStreamReader<TRequest>
    {
        public TRequest Current { get; private set; } = default!;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await requests.WaitToReadAsync(cancellationToken))
            {
                return false;
            }

            Current = await requests.ReadAsync(cancellationToken);
            return true;
        }
    }

    public sealed class ResponseWriter(ChannelWriter<TResponse> responses) : IServerStreamWriter<TResponse>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(TResponse message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(TResponse message, CancellationToken cancellationToken) => responses.WriteAsync(message, cancellationToken).AsTask();
    }
}
