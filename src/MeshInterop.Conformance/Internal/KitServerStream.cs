using System.Globalization;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Protocol;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>One request a consumer target sent: its initial subscription or an answer.</summary>
internal sealed record KitAnswer(string ResourceUrl, string Nonce, Google.Rpc.Status? Status, string Context)
{
    public bool IsAck => Status is { Code: 0 };

    public bool IsNack => Status is { Code: not 0 };

    public override string ToString() => Status switch
    {
        null => $"request resource_url='{ResourceUrl}' nonce='{Nonce}'" + (Context.Length > 0 ? $" context='{Context}'" : string.Empty),
        { Code: 0 } => $"ACK nonce='{Nonce}'",
        _ => $"NACK nonce='{Nonce}' code={(StatusCode)Status.Code} message='{Status.Message}'",
    };
}

/// <summary>
/// The kit owner's side of one stream a consumer target opened: the case script reads the subscription, sends scripted
/// responses, reads the answers, and decides how the stream ends.
/// </summary>
#pragma warning disable CA1001 // The write gate is only awaited (no wait handle is ever allocated), so nothing needs disposing.
internal abstract class KitServerStream
#pragma warning restore CA1001
{
    private readonly Channel<KitAnswer> _answers = Channel.CreateUnbounded<KitAnswer>();
    private readonly TaskCompletionSource<Status> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _nonce;

    protected KitServerStream(CaseContext context, ServerCallContext call, string label)
    {
        Context = context;
        Call = call;
        Label = label;
        ArrivedAt = context.Time.GetTimestamp();
    }

    public string Label { get; }

    /// <summary>Gets when the stream arrived, from the case's clock.</summary>
    public long ArrivedAt { get; }

    public Task<Status> Ended => _end.Task;

    /// <summary>Gets whether the consumer closed its side or the call ended.</summary>
    public bool Closed => _answers.Reader.Completion.IsCompleted;

    protected CaseContext Context { get; }

    protected ServerCallContext Call { get; }

    /// <summary>Gets the consumer's next request, or <see langword="null"/> when none arrives within <paramref name="within"/> or the stream ends.</summary>
    public Task<KitAnswer?> NextAsync(TimeSpan within) => _answers.Reader.ReadWithinAsync(within, Context.Cancellation);

    /// <summary>Announces the snapshot size with the MeshInterop header, or sends plain headers when <paramref name="snapshotCount"/> is null.</summary>
    public Task SendHeadersAsync(int? snapshotCount)
    {
        var headers = new Metadata();
        if (snapshotCount is { } count)
        {
            headers.Add(MeshInteropHeaders.SnapshotCount, count.ToString(CultureInfo.InvariantCulture));
        }

        Context.Note($"{Label} → headers" + (snapshotCount is { } n ? $" {MeshInteropHeaders.SnapshotCount}={n}" : string.Empty));
        return Guarded(() => Call.WriteResponseHeadersAsync(headers));
    }

    /// <summary>Sends one response and returns its nonce.</summary>
    public async Task<string> SendAsync(KitOperation operation, string resourceId, Any resource)
    {
        var nonce = "kit-" + Interlocked.Increment(ref _nonce).ToString(CultureInfo.InvariantCulture);
        Context.Note($"{Label} → {operation.ToString().ToUpperInvariant()} '{resourceId}' nonce='{nonce}' type='{resource.TypeUrl}'");
        await Guarded(() => WriteResponseAsync(nonce, resourceId, resource, operation)).ConfigureAwait(false);
        return nonce;
    }

    /// <summary>Ends the stream with <paramref name="code"/>.</summary>
    public void End(StatusCode code, string detail)
    {
        Context.Note($"{Label} ✕ kit ends the stream with {code}");
        _end.TrySetResult(new Status(code, detail));
    }

    public void Accept(KitAnswer answer)
    {
        Context.Note($"{Label} ← {answer}");
        _answers.Writer.TryWrite(answer);
    }

    public void Complete(Exception? failure) => _answers.Writer.TryComplete(failure);

    protected abstract Task WriteResponseAsync(string nonce, string resourceId, Any resource, KitOperation operation);

    private async Task Guarded(Func<Task> write)
    {
        await _writeGate.WaitAsync(Context.Cancellation).ConfigureAwait(false);
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or RpcException or OperationCanceledException)
        {
            Context.Note($"{Label} write failed: {ex.Message}");
        }
        finally
        {
            _writeGate.Release();
        }
    }

    internal sealed class V1Stream(CaseContext context, ServerCallContext call, IServerStreamWriter<V1.StreamResponse> writer, string label) : KitServerStream(context, call, label)
    {
        protected override Task WriteResponseAsync(string nonce, string resourceId, Any resource, KitOperation operation) =>
            writer.WriteAsync(new V1.StreamResponse
            {
                Nonce = nonce,
                ResourceUrl = Context.ResourceUrl,
                Resource = resource,
                Operation = operation switch
                {
                    KitOperation.Create => V1.StreamResponse.Types.Operation.Create,
                    KitOperation.Update or KitOperation.Upsert => V1.StreamResponse.Types.Operation.Update,
                    KitOperation.Delete => V1.StreamResponse.Types.Operation.Delete,
                    _ => V1.StreamResponse.Types.Operation.Unknown,
                },
            });
    }

    internal sealed class V2Stream(CaseContext context, ServerCallContext call, IServerStreamWriter<V2.BidirectionalStream> writer, string label) : KitServerStream(context, call, label)
    {
        public string StreamContext { get; set; } = string.Empty;

        protected override Task WriteResponseAsync(string nonce, string resourceId, Any resource, KitOperation operation) =>
            writer.WriteAsync(new V2.BidirectionalStream
            {
                Response = new V2.StreamResponse
                {
                    Nonce = nonce,
                    ResourceUrl = Context.ResourceUrl,
                    ResourceId = resourceId,
                    Resource = resource,
                    Context = StreamContext,
                    Operation = operation switch
                    {
                        KitOperation.Create or KitOperation.Update or KitOperation.Upsert => V2.StreamResponse.Types.Operation.Upsert,
                        KitOperation.Delete => V2.StreamResponse.Types.Operation.Delete,
                        _ => V2.StreamResponse.Types.Operation.Unknown,
                    },
                },
            });
    }
}
