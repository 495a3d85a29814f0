using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog.Validation;

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

    public OwnerStreamSession(
        IOwnerEnvelope<TRequest, TResponse> envelope,
        IOwnerFeed<TResource> feed,
        Func<TResource, HamletResourceVersion, Any> pack,
        OwnerSessionSettings settings,
        IOwnerSessionObserver observer,
        TimeProvider time)
    {
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

            var answers = Channel.CreateUnbounded<InboundRequest>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            using var readerStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reading = ReadAnswersAsync(requests, answers.Writer, readerStop.Token);
            try
            {
                await SendLoopAsync(initial, version, resourceUrl, window, queue, answers.Reader, responses, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // When the send loop ends the stream (a protocol error), the reader may still be parked on the
                // next request: stop it, and observe it so its failure is never unobserved.
                await readerStop.CancelAsync().ConfigureAwait(false);
                await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private HamletResourceVersion ValidateSubscription(InboundRequest initial)
    {
        if (initial.FrameError is { } frameError)
        {
            throw InvalidArgument($"Invalid first frame: {frameError}.");
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

    private async Task ReadAnswersAsync(IAsyncStreamReader<TRequest> requests, ChannelWriter<InboundRequest> answers, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                answers.TryWrite(_envelope.ReadRequest(requests.Current));
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
        }
    }

    private async Task SendLoopAsync(
        InboundRequest initial,
        HamletResourceVersion version,
        string resourceUrl,
        InFlightWindow<OwnerEvent<TResource>> window,
        SubscriberQueue<TResource> queue,
        ChannelReader<InboundRequest> answers,
        IServerStreamWriter<TResponse> responses,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            while (window.HasCapacity && queue.TryDequeue(out var next))
            {
                var nonce = Guid.NewGuid().ToString("N");
                var response = _envelope.CreateResponse(nonce, resourceUrl, next.Key, _pack(next.Resource, version), next.Operation, initial.Context);
                await responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
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
}
