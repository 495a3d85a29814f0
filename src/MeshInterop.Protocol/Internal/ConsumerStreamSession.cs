using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Protocol.Internal;

/// <summary>What a consumer session reports as it runs; implemented by logging, metrics and status.</summary>
internal interface IConsumerSessionObserver
{
    void Subscribed(long? announcedSnapshotCount);

    void Applied(ServiceKey key, ConsumerOperation operation);

    void Rejected(ServiceKey key, StatusCode code, string reason);

    void SnapshotComplete();
}

/// <summary>The settings one consumer stream runs with, resolved from the consumer options.</summary>
internal sealed record ConsumerSessionSettings
{
    public required string Peer { get; init; }

    public required HamletResourceVersion ResourceVersion { get; init; }

    public int Window { get; init; } = 1;

    public string Context { get; init; } = string.Empty;

    public CatalogValidationOptions? Validation { get; init; }
}

/// <summary>
/// The consumer's side of one <c>EstablishStream</c> call for either envelope: subscribes, reads the
/// snapshot-count header, then handles responses strictly in arrival order, answering each exactly once
/// and only after the import handler has completed (R6): ACK on success, NACK <c>InvalidArgument</c> for
/// undecodable, mistyped or invalid resources and unknown operations, <c>PermissionDenied</c> for policy
/// refusals, <c>Unavailable</c> for local failures, leaving the catalog unchanged. Returns when the owner
/// ends the stream; the caller classifies how it ended and reconnects.
/// </summary>
internal sealed class ConsumerStreamSession<TRequest, TResponse>
{
    private readonly IConsumerEnvelope<TRequest, TResponse> _envelope;
    private readonly ConsumerSessionSettings _settings;
    private readonly IHamletImportHandler _handler;
    private readonly IConsumerSessionObserver _observer;
    private readonly ImportApplier _applier;
    private readonly string _resourceUrl;

    private readonly PublishOnStream<TRequest>? _publish;

    /// <param name="envelope">The envelope.</param>
    /// <param name="settings">The session settings.</param>
    /// <param name="handler">Where imports go.</param>
    /// <param name="observer">Logging, metrics and status.</param>
    /// <param name="publish">Publishes this side's catalog once the owner subscribes on the stream (symmetric v1alpha2); null to never publish.</param>
    public ConsumerStreamSession(IConsumerEnvelope<TRequest, TResponse> envelope, ConsumerSessionSettings settings, IHamletImportHandler handler, IConsumerSessionObserver observer, PublishOnStream<TRequest>? publish = null)
    {
        _publish = publish;
        _envelope = envelope;
        _settings = settings;
        _handler = handler;
        _observer = observer;
        _resourceUrl = HamletResourceTypes.TypeUrl(settings.ResourceVersion);
        var decoder = new ImportDecoder(settings.ResourceVersion, envelope.KeyedByResourceId, settings.Peer, settings.Validation);
        _applier = new ImportApplier(decoder, envelope.KeyedByResourceId, handler, settings.Peer, observer);
    }

    /// <summary>Runs one stream; completes when the owner ends it (with OK) and throws how it failed otherwise.</summary>
    /// <param name="invoker">The channel to the owner.</param>
    /// <param name="onEstablished">Called once the owner has answered the subscription with its headers.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    public async Task RunAsync(CallInvoker invoker, Action onEstablished, CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        if (_settings.Window > 1)
        {
            headers.Add(MeshInteropHeaders.Window, _settings.Window.ToString(CultureInfo.InvariantCulture));
        }

        using var call = _envelope.Start(invoker, new CallOptions(headers, cancellationToken: cancellationToken));
        try
        {
            await call.RequestStream.WriteAsync(_envelope.Subscribe(_resourceUrl, _settings.Context), cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && !cancellationToken.IsCancellationRequested)
        {
            // An owner that refuses before reading (authorisation, stream limit) can finish the call while this write
            // is still in flight; the write then fails as Cancelled. The owner's own status says why, and decides
            // whether to retry.
            await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
            throw;
        }


        // Headers precede the first response, but a plain owner with an empty catalog may send neither
        // for a long time: wait for whichever comes first.
        var firstMessage = call.ResponseStream.MoveNext(cancellationToken);
        await Task.WhenAny(call.ResponseHeadersAsync, firstMessage).ConfigureAwait(false);
        if (firstMessage.IsCompleted && !firstMessage.IsCompletedSuccessfully)
        {
            await firstMessage.ConfigureAwait(false); // The owner refused the subscription: surface how.
        }

        long? announced = null;
        if (call.ResponseHeadersAsync.IsCompletedSuccessfully)
        {
            var responseHeaders = await call.ResponseHeadersAsync.ConfigureAwait(false);
            if (MeshInteropHeaders.TryParseSnapshotCount(responseHeaders.GetValue(MeshInteropHeaders.SnapshotCount), out var count))
            {
                announced = count;
            }
        }

        await _handler.BeginSubscriptionAsync(_settings.Peer, announced, cancellationToken).ConfigureAwait(false);
        _observer.Subscribed(announced);
        onEstablished();
        if (announced == 0)
        {
            _observer.SnapshotComplete();
        }

        // Answers and, on a symmetric stream, this side's own responses share the request stream.
        using var writes = new SemaphoreSlim(1, 1);
        var write = StreamWrites.Serialized<TRequest>(writes, call.RequestStream.WriteAsync);
        using var publishing = new PublishingSide(_publish, write, cancellationToken);
        try
        {
            long answered = 0;
            var hasMessage = await firstMessage.ConfigureAwait(false);
            while (hasMessage)
            {
                if (_publish is not null && _envelope.TryReadPeerRequest(call.ResponseStream.Current, out var peerRequest))
                {
                    publishing.Accept(peerRequest);
                }
                else if (_envelope.TryRead(call.ResponseStream.Current, out var response))
                {
                    var status = await _applier.ApplyAsync(response, isSnapshotItem: announced is { } n && answered < n, cancellationToken).ConfigureAwait(false);
                    await write(_envelope.Answer(_resourceUrl, response.Nonce, status, _settings.Context), cancellationToken).ConfigureAwait(false);
                    answered++;
                    if (announced is { } total && answered == total)
                    {
                        _observer.SnapshotComplete();
                    }
                }

                hasMessage = await call.ResponseStream.MoveNext(publishing.StreamToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (publishing.Failure is { } failure)
        {
            // Publishing ended the stream (for example the owner never answered): that is how this stream failed.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        await publishing.StopAsync().ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// This side's publisher on a symmetric stream: started by the owner's subscription frame, fed the owner's answers,
    /// and able to end the stream (through <see cref="StreamToken"/>) when it fails, for example on an ACK timeout.
    /// </summary>
    private sealed class PublishingSide : IDisposable
    {
        private readonly PublishOnStream<TRequest>? _publish;
        private readonly Func<TRequest, CancellationToken, Task> _write;
        private readonly CancellationTokenSource _stream;
        private readonly Channel<InboundRequest> _answers = Channel.CreateUnbounded<InboundRequest>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private Task? _running;

        public PublishingSide(PublishOnStream<TRequest>? publish, Func<TRequest, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            _publish = publish;
            _write = write;
            _stream = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }

        public CancellationToken StreamToken => _stream.Token;

        public Exception? Failure { get; private set; }

        public void Accept(InboundRequest request)
        {
            if (_running is null)
            {
                // The owner's first request frame is its subscription to what this side publishes.
                _running = RunAsync(request);
                return;
            }

            _answers.Writer.TryWrite(request);
        }

        /// <summary>Stops publishing because the stream ended; rethrows why publishing failed, if it did.</summary>
        public async Task StopAsync()
        {
            _answers.Writer.TryComplete();
            if (_running is null)
            {
                return;
            }

            await _stream.CancelAsync().ConfigureAwait(false);
            try
            {
                await _running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The stream ended first.
            }
        }

        public void Dispose() => _stream.Dispose();

        private async Task RunAsync(InboundRequest subscription)
        {
            try
            {
                await _publish!(subscription, _answers.Reader, _write, _stream.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // End the stream so the consumer reconnects (or stops, on a fatal code), as the owner would.
                Failure = ex;
                await _stream.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }
    }
}

/// <summary>Publishes this side's catalog on a stream once the peer has subscribed with <c>subscription</c>.</summary>
internal delegate Task PublishOnStream<TFrame>(InboundRequest subscription, ChannelReader<InboundRequest> answers, Func<TFrame, CancellationToken, Task> write, CancellationToken cancellationToken);
