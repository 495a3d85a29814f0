using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Internal;
using Microsoft.Extensions.Time.Testing;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.Owner;

/// <summary>
/// The owner's stream behaviour, driven through an in-memory call so every step is deterministic. The same
/// behaviours run over real Kestrel, HTTP/2 and mTLS in the functional tests.
/// </summary>
public sealed class OwnerStreamSessionTests
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(30);

    private readonly TestFeed _feed = new();
    private readonly RecordingObserver _observer = new();
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Snapshot_AnnouncesCountThenSendsOneCreatePerResource()
    {
        _feed.Upsert("a", "1");
        _feed.Upsert("b", "2");
        var (call, run) = StartV1();
        call.Send(Subscribe());

        var headers = await call.ResponseHeaders;
        Assert.Equal("2", headers.GetValue(MeshInteropHeaders.SnapshotCount));
        var first = await call.NextResponseAsync();
        Assert.Equal(V1.StreamResponse.Types.Operation.Create, first.Operation);
        Assert.Equal(HamletResourceTypes.V1Alpha1FederatedService, first.ResourceUrl);
        Assert.Equal(first.ResourceUrl, first.Resource.TypeUrl);
        Assert.Equal(32, first.Nonce.Length);
        call.Send(Ack(first.Nonce));
        var second = await call.NextResponseAsync();
        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.Equal(["a", "b"], new[] { first, second }.Select(r => r.Resource.Unpack<V1.FederatedService>().Id));

        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task EmptyCatalog_AnnouncesZeroAndSendsNothing()
    {
        var (call, run) = StartV1();
        call.Send(Subscribe());

        Assert.Equal("0", (await call.ResponseHeaders).GetValue(MeshInteropHeaders.SnapshotCount));
        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService });
        await _observer.NextAsync("duplicate-subscribe");
        Assert.False(call.Responses.Reader.TryRead(out _));
        Assert.False(run.IsCompleted);

        call.CompleteRequests();
        await run;
    }

    [Theory]
    [InlineData("")]
    [InlineData("type.googleapis.com/federation.types.v1alpha9.FederatedService")]
    [InlineData(HamletResourceTypes.V1Alpha2FederatedService)]
    public async Task InitialRequest_EmptyUnknownOrUnservedUrl_EndsWithInvalidArgument(string url)
    {
        var (call, run) = StartV1();
        call.Send(new V1.StreamRequest { ResourceUrl = url });

        var error = await Assert.ThrowsAsync<RpcException>(() => run);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("resource_url", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _feed.SubscriberCount);
    }

    [Fact]
    public async Task LaterRequest_DifferentResourceUrl_EndsWithInvalidArgument()
    {
        var (call, run) = StartV1();
        call.Send(Subscribe());
        await call.ResponseHeaders;

        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha2FederatedService, ResponseNonce = "x", Status = new Google.Rpc.Status() });

        var error = await Assert.ThrowsAsync<RpcException>(() => run);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(0, _feed.SubscriberCount);
    }

    [Fact]
    public async Task WithoutWindowHeader_OnlyOneResponseIsInFlight()
    {
        _feed.Upsert("a", "1");
        _feed.Upsert("b", "2");
        var (call, run) = StartV1();
        call.Send(Subscribe());
        var first = await call.NextResponseAsync();

        // Two answers the session must process (and loop past its send step) before the test looks.
        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService });
        await _observer.NextAsync("duplicate-subscribe");
        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService });
        await _observer.NextAsync("duplicate-subscribe");
        Assert.False(call.Responses.Reader.TryRead(out _));

        call.Send(Ack(first.Nonce));
        Assert.Equal("b", (await call.NextResponseAsync()).Resource.Unpack<V1.FederatedService>().Id);
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task WindowHeader_KeepsExactlyThatManyUnanswered()
    {
        for (var i = 0; i < 10; i++)
        {
            _feed.Upsert("k" + i, "v");
        }

        var (call, run) = StartV1(new Metadata { { MeshInteropHeaders.Window, "4" } });
        call.Send(Subscribe());
        var inFlight = new List<V1.StreamResponse>();
        for (var i = 0; i < 4; i++)
        {
            inFlight.Add(await call.NextResponseAsync());
        }

        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService });
        await _observer.NextAsync("duplicate-subscribe");
        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService });
        await _observer.NextAsync("duplicate-subscribe");
        Assert.False(call.Responses.Reader.TryRead(out _));

        call.Send(Ack(inFlight[0].Nonce));
        Assert.Equal("k4", (await call.NextResponseAsync()).Resource.Unpack<V1.FederatedService>().Id);
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task Nack_KeepsTheStreamOpen_ReportsIt_AndDoesNotResendTheSameContent()
    {
        _feed.Upsert("a", "bad");
        var (call, run) = StartV1();
        call.Send(Subscribe());
        var first = await call.NextResponseAsync();

        call.Send(new V1.StreamRequest
        {
            ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService,
            ResponseNonce = first.Nonce,
            Status = new Google.Rpc.Status { Code = 3, Message = "endpoints[0].port: out of range" },
        });

        Assert.Equal("nack a 3 endpoints[0].port: out of range", await _observer.NextAsync("nack"));
        _feed.Upsert("a", "bad");
        _feed.Upsert("b", "good");
        var next = await call.NextResponseAsync();
        Assert.Equal("b", next.Resource.Unpack<V1.FederatedService>().Id);
        Assert.False(run.IsCompleted);
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task UnknownNonce_IsReportedAndIgnored()
    {
        _feed.Upsert("a", "1");
        var (call, run) = StartV1();
        call.Send(Subscribe());
        var first = await call.NextResponseAsync();

        call.Send(Ack("not-a-nonce-we-sent"));

        Assert.Equal("unknown-nonce not-a-nonce-we-sent", await _observer.NextAsync("unknown-nonce"));
        call.Send(Ack(first.Nonce));
        await _observer.NextAsync("ack a");
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task EmptyNonceAck_AnswersTheOldestResponse()
    {
        _feed.Upsert("a", "1");
        _feed.Upsert("b", "2");
        var (call, run) = StartV1();
        call.Send(Subscribe());
        await call.NextResponseAsync();

        call.Send(Ack(string.Empty));

        await _observer.NextAsync("ack a");
        Assert.Equal("b", (await call.NextResponseAsync()).Resource.Unpack<V1.FederatedService>().Id);
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task NoAnswerWithinAckTimeout_EndsTheStreamWithUnavailable()
    {
        _feed.Upsert("a", "1");
        var (call, run) = StartV1();
        call.Send(Subscribe());
        await call.NextResponseAsync();

        _time.Advance(AckTimeout - TimeSpan.FromMilliseconds(1));
        call.Send(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService });
        await _observer.NextAsync("duplicate-subscribe");
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => run);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.StartsWith("ack timeout", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _feed.SubscriberCount);
    }

    [Fact]
    public async Task ChangesAfterSubscription_ArriveAsCreateUpdateDeleteInOrder()
    {
        var (call, run) = StartV1();
        call.Send(Subscribe());
        await call.ResponseHeaders;

        _feed.Upsert("a", "1");
        var create = await call.NextResponseAsync();
        call.Send(Ack(create.Nonce));
        await _observer.NextAsync("ack a");
        _feed.Upsert("a", "2");
        var update = await call.NextResponseAsync();
        call.Send(Ack(update.Nonce));
        await _observer.NextAsync("ack a");
        _feed.Delete("a");
        var delete = await call.NextResponseAsync();

        Assert.Equal(
            [V1.StreamResponse.Types.Operation.Create, V1.StreamResponse.Types.Operation.Update, V1.StreamResponse.Types.Operation.Delete],
            new[] { create.Operation, update.Operation, delete.Operation });
        Assert.Equal("2", update.Resource.Unpack<V1.FederatedService>().Description);
        Assert.Equal("a", delete.Resource.Unpack<V1.FederatedService>().Id);
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task Stopping_EndsTheStreamWithUnavailable()
    {
        using var stopping = new CancellationTokenSource();
        var (call, run) = StartV1(stopping: stopping);
        call.Send(Subscribe());
        await call.ResponseHeaders;

        await stopping.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => run);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task ConsumerCancels_ReleasesTheSubscription()
    {
        var (call, run) = StartV1();
        call.Send(Subscribe());
        await call.ResponseHeaders;
        Assert.Equal(1, _feed.SubscriberCount);

        call.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(0, _feed.SubscriberCount);
    }

    [Fact]
    public async Task V1Alpha2_FirstFrameIsAResponse_EndsWithInvalidArgument()
    {
        var (call, run) = StartV2();
        call.Send(new V2.BidirectionalStream { Response = new V2.StreamResponse { Nonce = "n" } });

        var error = await Assert.ThrowsAsync<RpcException>(() => run);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task V1Alpha2_FrameWithBothFields_EndsWithInvalidArgument()
    {
        var (call, run) = StartV2();
        call.Send(SubscribeV2("ctx"));
        await call.ResponseHeaders;

        call.Send(new V2.BidirectionalStream { Request = new V2.StreamRequest(), Response = new V2.StreamResponse() });

        var error = await Assert.ThrowsAsync<RpcException>(() => run);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task V1Alpha2_ResponsesCarryResourceIdAndEchoTheContext()
    {
        _feed.Upsert("web", "1");
        var (call, run) = StartV2();
        call.Send(SubscribeV2("tenant-blue"));

        var frame = await call.NextResponseAsync();

        Assert.Null(frame.Request);
        Assert.Equal("web", frame.Response.ResourceId);
        Assert.Equal("tenant-blue", frame.Response.Context);
        Assert.Equal(V2.StreamResponse.Types.Operation.Upsert, frame.Response.Operation);
        Assert.Equal(HamletResourceTypes.V1Alpha2FederatedService, frame.Response.Resource.TypeUrl);
        call.CompleteRequests();
        await run;
    }

    [Fact]
    public async Task V1Alpha2_WrongContextToken_EndsWithPermissionDenied()
    {
        var (call, run) = StartV2(contextToken: "s3cret");
        call.Send(SubscribeV2("guess"));

        var error = await Assert.ThrowsAsync<RpcException>(() => run);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    private static V1.StreamRequest Subscribe() => new() { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService };

    private static V1.StreamRequest Ack(string nonce) => new()
    {
        ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService,
        ResponseNonce = nonce,
        Status = new Google.Rpc.Status(),
    };

    private static V2.BidirectionalStream SubscribeV2(string context) => new()
    {
        Request = new V2.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha2FederatedService, Context = context },
    };

    private static Any Pack(TestResource resource, HamletResourceVersion version) => version == HamletResourceVersion.V1Alpha1
        ? Any.Pack(new V1.FederatedService { Id = resource.Key, Fqdn = resource.Key + ".example", Description = resource.Value })
        : Any.Pack(new V2.FederatedService { Name = resource.Key, Fqdn = resource.Key + ".example", Description = resource.Value });

    private (InMemoryCall<V1.StreamRequest, V1.StreamResponse> Call, Task Run) StartV1(Metadata? headers = null, CancellationTokenSource? stopping = null)
    {
        var call = new InMemoryCall<V1.StreamRequest, V1.StreamResponse>(headers, TestContext.Current.CancellationToken);
        var session = new OwnerStreamSession<V1.StreamRequest, V1.StreamResponse, TestResource>(
            V1Alpha1OwnerEnvelope.Instance, _feed, Pack, Settings(HamletResourceVersion.V1Alpha1, null), _observer, _time);
        return (call, Task.Run(() => session.RunAsync(call.Reader, call.Writer, call, stopping?.Token ?? CancellationToken.None), TestContext.Current.CancellationToken));
    }

    private (InMemoryCall<V2.BidirectionalStream, V2.BidirectionalStream> Call, Task Run) StartV2(string? contextToken = null)
    {
        var call = new InMemoryCall<V2.BidirectionalStream, V2.BidirectionalStream>(null, TestContext.Current.CancellationToken);
        var session = new OwnerStreamSession<V2.BidirectionalStream, V2.BidirectionalStream, TestResource>(
            V1Alpha2OwnerEnvelope.Instance, _feed, Pack, Settings(HamletResourceVersion.V1Alpha2, contextToken), _observer, _time);
        return (call, Task.Run(() => session.RunAsync(call.Reader, call.Writer, call, CancellationToken.None), TestContext.Current.CancellationToken));
    }

    private static OwnerSessionSettings Settings(HamletResourceVersion version, string? contextToken) => new()
    {
        AckTimeout = AckTimeout,
        MaxWindow = 64,
        ServedVersions = new HashSet<HamletResourceVersion> { version },
        ContextToken = contextToken,
    };
}
