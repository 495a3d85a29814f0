using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Protocol.Internal;

/// <summary>
/// The owner's side of one <c>EstablishStream</c> call, for either envelope: validates the subscription,
/// subscribes to the feed, announces the snapshot size, then sends CREATE/UPDATE/DELETE responses with
/// unique nonces while honouring the window (1 unless the consumer asked for more), the ACK timeout, NACKs
/// and unknown nonces as the protocol reference decides (R3, R4, G2-G5, G7, G10, G12).
/// </summary>
internal sealed class OwnerStreamSession<TRequest, TResponse, TResource>
    where TResource : class
{
    private readonly IOwnerEnvelope<TRequest, TResponse> _envelope;
    private readonly IOwnerFeed<TResource> _feed;
    private readonly Func<TResource, HamletResourceVersion, Any> _pack;
    private readonly OwnerSessionSettings _settings;
    private readonly IOwnerSessionObserver _observer;
    private readonly TimeProvider _time;
    private readonly SymmetricImport? _symmetric;

    public OwnerStreamSession(
        IOwnerEnvelope<TRequest, TResponse> envelope,
        IOwnerFeed<TResource> feed,
        Func<TResource, HamletResourceVersion, Any> pack,
        OwnerSessionSettings settings,
        IOwnerSessionObserver observer,
        TimeProvider time,
        SymmetricImport? symmetric = null)
    {
        _symmetric = symmetric;
        _envelope = envelope;
        _feed = feed;
        _pack = pack;
        _settings = settings;
        _observer = observer;
        _time = time;
    }

    /// <summary>Runs the stream until the consumer leaves, the call is cancelled, or a protocol error ends it.</summary>
    /// <param name="requests">The consumer's requests.</param>
    /// <param name="responses">Where responses go.</param>
    /// <param name="context">The call: request headers, response headers, cancellation.</param>
    /// <param name="stopping">Signalled when the owner shuts down: the stream then ends with <c>Unavailable</c>.</param>
    public async Task RunAsync(IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);
        var cancellationToken = linked.Token;
        try
        {
            await RunCoreAsync(requests, responses, context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // A graceful stop must be retryable for every peer (conformance: lifecycle_graceful_stop_retryable).
            throw new RpcException(new Status(StatusCode.Unavailable, "The owner is shutting down; reconnect later."));
        }
    }

    private static RpcException InvalidArgument(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private async Task RunCoreAsync(IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            return; // The consumer closed its side before subscribing.
        }

        var initial = _envelope.ReadRequest(requests.Current);
        var version = ValidateSubscription(initial);
        var resourceUrl = HamletResourceTypes.TypeUrl(version);

        var window = new InFlightWindow<OwnerEvent<TResource>>(MeshInteropHeaders.GrantWindow(context.RequestHeaders.GetValue(MeshInteropHeaders.Window), _settings.MaxWindow));
        var queue = new SubscriberQueue<TResource>();
        var subscription = await _feed.SubscribeAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (subscription.Subscription.ConfigureAwait(false))
        {
            // Announce the snapshot before the first response, also when it is empty (extension 5.2).
            await context.WriteResponseHeadersAsync(new Metadata
            {
                { MeshInteropHeaders.SnapshotCount, subscription.SnapshotCount.ToString(CultureInfo.InvariantCulture) },
            }).ConfigureAwait(false);

            // Responses and, on a symmetric stream, answers to what the peer publishes share one writer.
            using var writes = new SemaphoreSlim(1, 1);
            var write = StreamWrites.Serialized<TResponse>(writes, responses.WriteAsync);
            var answers = Channel.CreateUnbounded<InboundRequest>(new UnboundedChannelOptions { SingleReader = true });
            using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Channel<ConsumerResponse>? publications = null;
            var importing = Task.CompletedTask;
            if (_symmetric is not null && _envelope.CreateSubscription(resourceUrl, initial.Context) is { } subscribe)
            {
                // Symmetric v1alpha2: the owner subscribes to its peer on the same stream, echoing the context.
                publications = Channel.CreateBounded<ConsumerResponse>(new BoundedChannelOptions(MaxPendingPublications) { SingleReader = true, SingleWriter = true });
                await write(subscribe, cancellationToken).ConfigureAwait(false);
                importing = ImportPublicationsAsync(_symmetric, version, resourceUrl, initial.Context, publications.Reader, answers.Writer, write, readerStop.Token);
            }

            var reading = ReadAnswersAsync(requests, answers.Writer, publications?.Writer, readerStop.Token);
            try
            {
                await SendLoopAsync(initial, version, resourceUrl, window, queue, answers.Reader, write, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // When the send loop ends the stream (a protocol error), the reader may still be parked on the
                // next request: stop it, and observe it so its failure is never unobserved.
                await readerStop.CancelAsync().ConfigureAwait(false);
                await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await importing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Publishes the feed to a peer that subscribed with <paramref name="subscription"/> on a stream this side did not
    /// accept (a consumer publishing on a symmetric v1alpha2 stream): spec behaviour, one response in flight, no
    /// snapshot-count header. Answers arrive through <paramref name="answers"/>; ends with the stream or a protocol error.
    /// </summary>
    public async Task PublishAsync(InboundRequest subscription, ChannelReader<InboundRequest> answers, Func<TResponse, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var version = ValidateSubscription(subscription);
        var queue = new SubscriberQueue<TResource>();
        var published = await _feed.SubscribeAsync(queue, cancellationToken).ConfigureAwait(false);
        await using (published.Subscription.ConfigureAwait(false))
        {
            await SendLoopAsync(subscription, version, HamletResourceTypes.TypeUrl(version), new InFlightWindow<OwnerEvent<TResource>>(1), queue, answers, write, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ImportPublicationsAsync(SymmetricImport symmetric, HamletResourceVersion version, string resourceUrl, string context, ChannelReader<ConsumerResponse> publications, ChannelWriter<InboundRequest> endStream, Func<TResponse, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var decoder = new ImportDecoder(version, keyedByResourceId: true, symmetric.Peer, symmetric.Validation);
        var applier = new ImportApplier(decoder, keyedByResourceId: true, symmetric.Handler, symmetric.Peer, symmetric.Observer);
        var subscribed = false;
        try
        {
            // A peer publishing from the client side never sends the snapshot-count header: sweep after the grace period.
            await symmetric.Handler.BeginSubscriptionAsync(symmetric.Peer, announcedSnapshotCount: null, cancellationToken).ConfigureAwait(false);
            subscribed = true;
            await foreach (var published in publications.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var status = await applier.ApplyAsync(published, isSnapshotItem: false, cancellationToken).ConfigureAwait(false);
                await write(_envelope.CreateAnswer(resourceUrl, published.Nonce, status, context)!, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The import side failed: end the whole stream through the send loop, which sees the answers complete.
            endStream.TryComplete(ex);
        }
        finally
        {
            if (subscribed)
            {
                await symmetric.Handler.DisconnectedAsync(symmetric.Peer, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private HamletResourceVersion ValidateSubscription(InboundRequest initial)
    {
        if (initial.FrameError is { } frameError)
        {
            throw InvalidArgument($"Invalid first frame: {frameError}.");
        }

        if (initial.Publication is not null)
        {
            throw InvalidArgument("Invalid first frame: a stream starts with a 'request' that subscribes, not a published 'response'.");
        }

        if (string.IsNullOrEmpty(initial.ResourceUrl))
        {
            throw InvalidArgument("The initial request has an empty 'resource_url'; set it to the type URL of the resource to subscribe to.");
        }

        if (!HamletResourceTypes.TryResolve(initial.ResourceUrl, out var version) || !_settings.ServedVersions.Contains(version))
        {
            var served = string.Join("', '", _settings.ServedVersions.Order().Select(HamletResourceTypes.TypeUrl));
            throw InvalidArgument($"'resource_url' '{initial.ResourceUrl}' is not served on the {_envelope.Name} envelope; this owner serves '{served}'.");
        }

        if (_settings.ContextToken is { } token && !FixedTimeEquals(token, initial.Context))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "The stream's 'context' does not match the token this owner requires."));
        }

        return version;
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private async Task ReadAnswersAsync(IAsyncStreamReader<TRequest> requests, ChannelWriter<InboundRequest> answers, ChannelWriter<ConsumerResponse>? publications, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var request = _envelope.ReadRequest(requests.Current);
                if (request.Publication is { } published && publications is not null)
                {
                    // Bounded: a peer that publishes without waiting for answers is slowed down, not buffered.
                    await publications.WriteAsync(published, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    answers.TryWrite(request);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failure = ex;
        }
        catch (OperationCanceledException)
        {
            // The send loop sees the same cancellation.
        }
        finally
        {
            answers.TryComplete(failure);
            publications?.TryComplete();
        }
    }

    private async Task SendLoopAsync(
        InboundRequest initial,
        HamletResourceVersion version,
        string resourceUrl,
        InFlightWindow<OwnerEvent<TResource>> window,
        SubscriberQueue<TResource> queue,
        ChannelReader<InboundRequest> answers,
        Func<TResponse, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            while (window.HasCapacity && queue.TryDequeue(out var next))
            {
                var nonce = Guid.NewGuid().ToString("N");
                var response = _envelope.CreateResponse(nonce, resourceUrl, next.Key, _pack(next.Resource, version), next.Operation, initial.Context);
                await write(response, cancellationToken).ConfigureAwait(false);
                window.Add(new OutstandingResponse<OwnerEvent<TResource>>(nonce, next, _time.GetTimestamp()));
                _observer.ResponseSent(next.Key, next.Operation);
            }

            using (var waitCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var answerArrived = answers.WaitToReadAsync(waitCancellation.Token).AsTask();
                var itemsArrived = window.HasCapacity ? queue.WaitForItemsAsync(waitCancellation.Token) : Task.Delay(Timeout.Infinite, waitCancellation.Token);
                var ackDeadline = window.Oldest is { } oldest
                    ? Task.Delay(Max(TimeSpan.Zero, _settings.AckTimeout - _time.GetElapsedTime(oldest.SentTimestamp)), _time, waitCancellation.Token)
                    : Task.Delay(Timeout.Infinite, waitCancellation.Token);
                await Task.WhenAny(answerArrived, itemsArrived, ackDeadline).ConfigureAwait(false);
                await waitCancellation.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(answerArrived, itemsArrived, ackDeadline).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            cancellationToken.ThrowIfCancellationRequested();
            while (answers.TryRead(out var answer))
            {
                HandleAnswer(answer, initial, window, queue);
            }

            if (answers.Completion.IsCompleted)
            {
                // The consumer closed its side (or its stream failed): the subscription is over.
                await answers.Completion.ConfigureAwait(false);
                return;
            }

            if (window.Oldest is { } overdue && _time.GetElapsedTime(overdue.SentTimestamp) >= _settings.AckTimeout)
            {
                // Unavailable, so every peer, including the Go reference, retries (G12).
                throw new RpcException(new Status(
                    StatusCode.Unavailable,
                    $"ack timeout: no answer to response '{overdue.Nonce}' for '{overdue.Sent.Key}' within {_settings.AckTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s."));
            }
        }
    }

    private void HandleAnswer(InboundRequest answer, InboundRequest initial, InFlightWindow<OwnerEvent<TResource>> window, SubscriberQueue<TResource> queue)
    {
        if (answer.FrameError is { } frameError)
        {
            throw InvalidArgument($"Invalid frame: {frameError}.");
        }

        if (answer.Publication is not null)
        {
            throw InvalidArgument("Invalid frame: this side does not accept published 'response' frames; they need symmetric mode on both peers.");
        }

        // One type per stream (G10); an empty URL on an answer is tolerated.
        if (!string.IsNullOrEmpty(answer.ResourceUrl) && !HamletResourceTypes.SameType(answer.ResourceUrl, initial.ResourceUrl))
        {
            throw InvalidArgument($"'resource_url' changed from '{initial.ResourceUrl}' to '{answer.ResourceUrl}'; a stream carries one resource type, open another stream for another type.");
        }

        var kind = HamletRequestClassifier.Classify(answer.Status, answer.ResponseNonce);
        if (kind == HamletRequestKind.DuplicateSubscribe)
        {
            _observer.DuplicateSubscribe();
            return;
        }

        if (!window.TryAnswer(answer.ResponseNonce, out var answered))
        {
            _observer.UnknownNonce(answer.ResponseNonce);
            return;
        }

        var sent = answered.Sent;
        if (kind == HamletRequestKind.Ack)
        {
            _observer.Acknowledged(sent.Key, _time.GetElapsedTime(answered.SentTimestamp));
            return;
        }

        if (sent.Operation != OwnerOperation.Delete)
        {
            queue.MarkRejected(sent.Key, sent.Resource);
        }

        _observer.Rejected(sent.Key, answer.Status!.Code, answer.Status.Message);
    }

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;

    // Answers are written as soon as the handler completes, so more than a few pending means the peer ignores them.
    private const int MaxPendingPublications = 64;
}

/// <summary>Where an owner puts what its peer publishes on a symmetric v1alpha2 stream.</summary>
internal sealed record SymmetricImport(IHamletImportHandler Handler, string Peer, IConsumerSessionObserver Observer, CatalogValidationOptions? Validation = null);
