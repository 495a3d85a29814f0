using System.Threading.Channels;
using Grpc.Core;
using MeshInterop.Protocol;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// The kit's own raw Hamlet client for the owner role: it speaks the generated stubs directly, so every frame the
/// target sends is seen, timed and kept as evidence, and the kit decides exactly what to answer and when.
/// </summary>
internal abstract class KitClientStream : IAsyncDisposable
{
    private readonly Channel<KitFrame> _frames = Channel.CreateUnbounded<KitFrame>();
    private readonly Channel<string> _ownerRequests = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<Status> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _cancel = new();
    private Task _pump = Task.CompletedTask;

    protected KitClientStream(CaseContext context, string label)
    {
        Context = context;
        Label = label;
    }

    public string Label { get; }

    /// <summary>Gets the nonces of every response received so far, in order.</summary>
    public List<string> Nonces { get; } = [];

    /// <summary>Gets the nonces a symmetric v1alpha2 owner answered on this stream, as far as read.</summary>
    public List<string> OwnerAnswers { get; } = [];

    protected CaseContext Context { get; }

    protected CancellationToken Cancellation => _cancel.Token;

    public static KitClientStream Open(CaseContext context, CallInvoker invoker, HamletEnvelope envelope, Metadata? headers = null, string label = "stream")
    {
        var options = new CallOptions(headers ?? [], cancellationToken: CancellationToken.None);
        KitClientStream stream = envelope == HamletEnvelope.V1Alpha2
            ? new V2Stream(context, new V2.DiscoveryService.DiscoveryServiceClient(invoker).EstablishStream(options), label)
            : new V1Stream(context, new V1.DiscoveryService.DiscoveryServiceClient(invoker).EstablishStream(options), label);
        stream.Start();
        return stream;
    }

    /// <summary>Gets the response headers, or <see langword="null"/> when none arrived within <paramref name="within"/> or the call failed first.</summary>
    public async Task<Metadata?> HeadersAsync(TimeSpan within)
    {
        try
        {
            return await ResponseHeaders.WaitAsync(within, Context.Time, Context.Cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or RpcException)
        {
            return null;
        }
    }

    /// <summary>Gets whether the response headers have arrived.</summary>
    public bool HeadersReceived => ResponseHeaders.IsCompletedSuccessfully;

    public Task SubscribeAsync(string resourceUrl, string context = "")
    {
        Context.Note($"{Label} → subscribe resource_url='{resourceUrl}'" + (context.Length > 0 ? $" context='{context}'" : string.Empty));
        return WriteAsync(resourceUrl, string.Empty, null, context);
    }

    public Task AckAsync(string nonce, string? resourceUrl = null)
    {
        Context.Note($"{Label} → ACK nonce='{nonce}'");
        return WriteAsync(resourceUrl ?? Context.ResourceUrl, nonce, new Google.Rpc.Status(), Context.StreamContext);
    }

    public Task NackAsync(string nonce, StatusCode code, string message)
    {
        Context.Note($"{Label} → NACK nonce='{nonce}' code={code}");
        return WriteAsync(Context.ResourceUrl, nonce, new Google.Rpc.Status { Code = (int)code, Message = message }, Context.StreamContext);
    }

    /// <summary>Sends a request for another resource type on the open stream.</summary>
    public Task RequestOtherTypeAsync(string resourceUrl)
    {
        Context.Note($"{Label} → request resource_url='{resourceUrl}'");
        return WriteAsync(resourceUrl, string.Empty, null, Context.StreamContext);
    }

    /// <summary>Gets the next response, or <see langword="null"/> when none arrives within <paramref name="within"/> or the stream ends.</summary>
    public Task<KitFrame?> NextAsync(TimeSpan within) => _frames.Reader.ReadWithinAsync(within, Context.Cancellation);

    /// <summary>Reads responses until one matches or <paramref name="within"/> passes, answering each with ACK when <paramref name="ack"/> is set.</summary>
    public async Task<List<KitFrame>> CollectAsync(int count, TimeSpan within, bool ack)
    {
        var deadline = Context.Time.GetTimestamp() + (long)(within.TotalSeconds * Context.Time.TimestampFrequency);
        var frames = new List<KitFrame>();
        while (frames.Count < count)
        {
            var left = TimeSpan.FromSeconds((deadline - Context.Time.GetTimestamp()) / (double)Context.Time.TimestampFrequency);
            if (left <= TimeSpan.Zero || await NextAsync(left).ConfigureAwait(false) is not { } frame)
            {
                break;
            }

            frames.Add(frame);
            if (ack)
            {
                await AckAsync(frame.Nonce).ConfigureAwait(false);
            }
        }

        return frames;
    }

    /// <summary>Gets how the stream ended, or <see langword="null"/> when it is still open after <paramref name="within"/>.</summary>
    public async Task<Status?> EndedAsync(TimeSpan within)
    {
        try
        {
            return await _ended.Task.WaitAsync(within, Context.Time, Context.Cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Waits for the next request a symmetric owner sends on this stream.</summary>
    public async Task WaitForOwnerRequestAsync(TimeSpan within)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Context.Cancellation);
        bound.CancelAfter(within > TimeSpan.Zero ? within : TimeSpan.Zero);
        try
        {
            OwnerAnswers.Add(await _ownerRequests.Reader.ReadAsync(bound.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException && !Context.Cancellation.IsCancellationRequested)
        {
        }
    }

    public Status? EndStatus => _ended.Task.IsCompletedSuccessfully ? _ended.Task.GetAwaiter().GetResult() : null;

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync().ConfigureAwait(false);
        DisposeCall();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _cancel.Dispose();
        _writeGate.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<Metadata> ResponseHeaders { get; }

    protected abstract Task WriteCoreAsync(string resourceUrl, string nonce, Google.Rpc.Status? status, string context);

    protected abstract Task<KitFrame?> ReadCoreAsync(CancellationToken cancellationToken);

    protected abstract void DisposeCall();

    /// <summary>Closes the kit's side of the stream, as a consumer that leaves would.</summary>
    public abstract Task CompleteAsync();

    /// <summary>Sends a v1alpha2 frame that carries a response; used for first-frame and symmetric checks.</summary>
    public virtual Task SendV2ResponseAsync(V2.StreamResponse response) => throw new NotSupportedException("Only v1alpha2 streams carry response frames from the client.");

    protected async Task WriteAsync(string resourceUrl, string nonce, Google.Rpc.Status? status, string context)
    {
        await _writeGate.WaitAsync(Context.Cancellation).ConfigureAwait(false);
        try
        {
            await WriteCoreAsync(resourceUrl, nonce, status, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            // The stream already ended; how it ended is what the case looks at.
            Context.Note($"{Label} write failed: {ex.Message}");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected async Task GuardedWriteAsync(Func<Task> write)
    {
        await _writeGate.WaitAsync(Context.Cancellation).ConfigureAwait(false);
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException)
        {
            Context.Note($"{Label} write failed: {ex.Message}");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    protected void OwnerRequest(string nonce) => _ownerRequests.Writer.TryWrite(nonce);

    private void Start() => _pump = Task.Run(PumpAsync);

    private async Task PumpAsync()
    {
        var status = Status.DefaultSuccess;
        try
        {
            while (await ReadCoreAsync(_cancel.Token).ConfigureAwait(false) is { } frame)
            {
                Context.Note($"{Label} ← {frame}");
                Nonces.Add(frame.Nonce);
                _frames.Writer.TryWrite(frame);
            }
        }
        catch (RpcException ex)
        {
            status = ex.Status;
        }
        catch (OperationCanceledException)
        {
            status = new Status(StatusCode.Cancelled, "cancelled by the kit");
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            status = new Status(StatusCode.Unavailable, ex.Message, ex);
        }

        if (!_cancel.IsCancellationRequested)
        {
            Context.Note($"{Label} ✕ ended {status.StatusCode}" + (status.Detail.Length > 0 ? $": {status.Detail}" : string.Empty)
                + (status.DebugException is { } debug ? $" ({debug.GetType().Name}: {debug.Message})" : string.Empty));
        }

        _frames.Writer.TryComplete();
        _ownerRequests.Writer.TryComplete();
        _ended.TrySetResult(status);
    }

    private sealed class V1Stream(CaseContext context, AsyncDuplexStreamingCall<V1.StreamRequest, V1.StreamResponse> call, string label) : KitClientStream(context, label)
    {
        protected override Task<Metadata> ResponseHeaders => call.ResponseHeadersAsync;

        public override Task CompleteAsync() => GuardedWriteAsync(() => call.RequestStream.CompleteAsync());

        protected override Task WriteCoreAsync(string resourceUrl, string nonce, Google.Rpc.Status? status, string context) =>
            call.RequestStream.WriteAsync(new V1.StreamRequest { ResourceUrl = resourceUrl, ResponseNonce = nonce, Status = status });

        protected override async Task<KitFrame?> ReadCoreAsync(CancellationToken cancellationToken) =>
            await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false) ? KitFrame.From(call.ResponseStream.Current) : null;

        protected override void DisposeCall() => call.Dispose();
    }

    private sealed class V2Stream(CaseContext context, AsyncDuplexStreamingCall<V2.BidirectionalStream, V2.BidirectionalStream> call, string label) : KitClientStream(context, label)
    {
        protected override Task<Metadata> ResponseHeaders => call.ResponseHeadersAsync;

        public override Task CompleteAsync() => GuardedWriteAsync(() => call.RequestStream.CompleteAsync());

        public override Task SendV2ResponseAsync(V2.StreamResponse response)
        {
            Context.Note($"{Label} → response frame nonce='{response.Nonce}' resource_id='{response.ResourceId}'");
            return GuardedWriteAsync(() => call.RequestStream.WriteAsync(new V2.BidirectionalStream { Response = response }));
        }

        protected override Task WriteCoreAsync(string resourceUrl, string nonce, Google.Rpc.Status? status, string context) =>
            call.RequestStream.WriteAsync(new V2.BidirectionalStream
            {
                Request = new V2.StreamRequest { ResourceUrl = resourceUrl, ResponseNonce = nonce, Status = status, Context = context },
            });

        protected override async Task<KitFrame?> ReadCoreAsync(CancellationToken cancellationToken)
        {
            while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var frame = call.ResponseStream.Current;
                if (frame.Response is { } response)
                {
                    return KitFrame.From(response);
                }

                if (frame.Request is { } request)
                {
                    // A symmetric owner subscribes to, or answers, what the kit publishes.
                    Context.Note($"{Label} ← request from owner resource_url='{request.ResourceUrl}' nonce='{request.ResponseNonce}' status={(request.Status is null ? "absent" : request.Status.Code.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                    OwnerRequest(request.ResponseNonce);
                }
            }

            return null;
        }

        protected override void DisposeCall() => call.Dispose();
    }
}
