using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// A hand-driven Hamlet owner on real Kestrel with SPIFFE mTLS: each incoming <c>EstablishStream</c> becomes a
/// <see cref="ScriptedCall{TRequest, TResponse}"/> the test reads from and writes to frame by frame. It sends
/// no MeshInterop headers unless told to, so by default it is a plain Hamlet owner.
/// </summary>
internal sealed class ScriptedOwner : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Calls _calls;

    private ScriptedOwner(WebApplication app, Calls calls, Uri address)
    {
        _app = app;
        _calls = calls;
        V1Calls = calls.V1.Reader;
        V2Calls = calls.V2.Reader;
        Address = address;
    }

    public Uri Address { get; }

    public ChannelReader<ScriptedCall<V1.StreamRequest, V1.StreamResponse>> V1Calls { get; }

    public ChannelReader<ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream>> V2Calls { get; }

    public static async Task<ScriptedOwner> StartAsync(int port = 0)
    {
        var calls = new Calls();
        var (app, address) = await MtlsGrpcHost.StartAsync(
            MtlsGrpcHost.OwnerTls(),
            services => services.AddSingleton(calls),
            app =>
            {
                app.MapGrpcService<V1Service>();
                app.MapGrpcService<V2Service>();
            },
            port);
        return new ScriptedOwner(app, calls, address);
    }

    public async Task<ScriptedCall<V1.StreamRequest, V1.StreamResponse>> NextV1CallAsync() => await V1Calls.ReadAsync(TestContext.Current.CancellationToken);

    public async Task<ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream>> NextV2CallAsync() => await V2Calls.ReadAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Open streams would hold Kestrel's graceful stop for its whole timeout: end them as a stopping owner would.
        _calls.EndAll(new Status(StatusCode.Unavailable, "The owner is stopping."));
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    internal sealed class Calls
    {
        private readonly Lock _gate = new();
        private readonly List<Action<Status>> _open = [];

        public void Opened(Action<Status> end)
        {
            lock (_gate)
            {
                _open.Add(end);
            }
        }

        public void EndAll(Status status)
        {
            lock (_gate)
            {
                _open.ForEach(end => end(status));
            }
        }

        public Channel<ScriptedCall<V1.StreamRequest, V1.StreamResponse>> V1 { get; } = Channel.CreateUnbounded<ScriptedCall<V1.StreamRequest, V1.StreamResponse>>();

        public Channel<ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream>> V2 { get; } = Channel.CreateUnbounded<ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream>>();
    }

    private sealed class V1Service(Calls calls) : V1.DiscoveryService.DiscoveryServiceBase
    {
        public override Task EstablishStream(IAsyncStreamReader<V1.StreamRequest> requestStream, IServerStreamWriter<V1.StreamResponse> responseStream, ServerCallContext context) =>
            ScriptedCall<V1.StreamRequest, V1.StreamResponse>.ServeAsync(calls, calls.V1.Writer, requestStream, responseStream, context);
    }

    private sealed class V2Service(Calls calls) : V2.DiscoveryService.DiscoveryServiceBase
    {
        public override Task EstablishStream(IAsyncStreamReader<V2.BidirectionalStream> requestStream, IServerStreamWriter<V2.BidirectionalStream> responseStream, ServerCallContext context) =>
            ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream>.ServeAsync(calls, calls.V2.Writer, requestStream, responseStream, context);
    }
}

/// <summary>One stream of a <see cref="ScriptedOwner"/>: what the peer sent, in order, and a way to answer it.</summary>
internal sealed class ScriptedCall<TRequest, TResponse>
{
    private readonly Channel<TRequest> _requests = Channel.CreateUnbounded<TRequest>();
    private readonly TaskCompletionSource<Status> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IServerStreamWriter<TResponse> _responses;

    private ScriptedCall(IServerStreamWriter<TResponse> responses, ServerCallContext context)
    {
        _responses = responses;
        Context = context;
    }

    public ServerCallContext Context { get; }

    /// <summary>Gets whether the peer has closed its side or cancelled.</summary>
    public Task Completed => _requests.Reader.Completion;

    public static async Task ServeAsync(ScriptedOwner.Calls open, ChannelWriter<ScriptedCall<TRequest, TResponse>> calls, IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context)
    {
        var call = new ScriptedCall<TRequest, TResponse>(responses, context);
        open.Opened(call.End);
        await calls.WriteAsync(call, context.CancellationToken);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var pump = call.PumpAsync(requests, stopReading.Token);
        Status status;
        try
        {
            status = await call._end.Task.WaitAsync(context.CancellationToken);
        }
        finally
        {
            // Never return with a read pending: Kestrel pools the stream, and the next call would inherit it.
            await stopReading.CancelAsync();
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (status.StatusCode != StatusCode.OK)
        {
            throw new RpcException(status);
        }
    }

    /// <summary>Reads the next request; fails the test if the peer closed its side first.</summary>
    public async Task<TRequest> ReadAsync()
    {
        var more = await _requests.Reader.WaitToReadAsync(TestContext.Current.CancellationToken);
        Assert.True(more, "The peer closed the stream before the next request.");
        Assert.True(_requests.Reader.TryRead(out var request));
        return request;
    }

    public Task WriteHeadersAsync(Metadata headers) => Context.WriteResponseHeadersAsync(headers);

    public Task SendAsync(TResponse response) => _responses.WriteAsync(response, TestContext.Current.CancellationToken);

    /// <summary>Ends the stream with <paramref name="status"/> (OK ends it normally).</summary>
    public void End(Status status) => _end.TrySetResult(status);

    private async Task PumpAsync(IAsyncStreamReader<TRequest> requests, CancellationToken cancellationToken)
    {
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                await _requests.Writer.WriteAsync(requests.Current, cancellationToken);
            }

            _requests.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _requests.Writer.TryComplete(ex);
        }

        _end.TrySetResult(Status.DefaultSuccess);
    }
}
