using Grpc.Core;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Owner;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// The owner engine frame by frame: a hand-driven peer on the consumer agent's mTLS channel writes every request
/// itself, and the owner's own metrics (recorded on its stream loop) show what it sent and received in order.
/// </summary>
public sealed class HamletOwnerWireTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task snapshot_empty_keeps_stream_open()
    {
        await using var owner = await OwnerServer.StartAsync();
        using var client = new RawHamletClient(owner.Address);
        using var call = await client.SubscribeV1Async(RawHamletClient.V1Url);

        // The owner answers the subscription with its headers (a snapshot of 0) and nothing else.
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("0", headers.GetValue(MeshInteropHeaders.SnapshotCount));

        // The stream is still open: the first response on it is the first change, as CREATE.
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        var first = await RawHamletClient.NextAsync(call.ResponseStream);
        Assert.Equal(V1.StreamResponse.Types.Operation.Create, first.Operation);
        Assert.Equal("web.owner.example", first.Resource.Unpack<V1.FederatedService>().Fqdn);
        Assert.Equal(1, owner.StreamsAuthorized);
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1, "")]
    [InlineData(HamletEnvelope.V1Alpha1, "type.googleapis.com/federation.types.v1alpha1.NotAService")]
    [InlineData(HamletEnvelope.V1Alpha2, "")]
    [InlineData(HamletEnvelope.V1Alpha2, "type.googleapis.com/federation.types.v1alpha1.FederatedService")]
    public async Task snapshot_invalid_resource_url_rejected(HamletEnvelope envelope, string resourceUrl)
    {
        await using var owner = await OwnerServer.StartAsync();
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        using var client = new RawHamletClient(owner.Address);

        var status = envelope == HamletEnvelope.V1Alpha1
            ? await RawHamletClient.EndAsync(await client.SubscribeV1Async(resourceUrl))
            : await SubscribeV2AndEndAsync(client, resourceUrl);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains("resource_url", status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task snapshot_resource_url_change_rejected(HamletEnvelope envelope)
    {
        await using var owner = await OwnerServer.StartAsync();
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        using var client = new RawHamletClient(owner.Address);

        Status status;
        if (envelope == HamletEnvelope.V1Alpha1)
        {
            using var call = await client.SubscribeV1Async(RawHamletClient.V1Url);
            var first = await RawHamletClient.NextAsync(call.ResponseStream);
            var ack = RawHamletClient.Ack(first);
            ack.ResourceUrl = RawHamletClient.V2Url;
            await call.RequestStream.WriteAsync(ack, Token);
            status = await RawHamletClient.EndAsync(call);
        }
        else
        {
            using var call = await client.SubscribeV2Async();
            var first = await RawHamletClient.NextAsync(call.ResponseStream);
            var ack = RawHamletClient.Ack(first.Response);
            ack.Request.ResourceUrl = RawHamletClient.V1Url;
            await call.RequestStream.WriteAsync(ack, Token);
            status = await RawHamletClient.EndAsync(call);
        }

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Contains("changed", status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task snapshot_nonces_unique_non_empty(HamletEnvelope envelope)
    {
        await using var owner = await OwnerServer.StartAsync();
        owner.Store.Local.Publish(SampleServices.Many(40));
        using var client = new RawHamletClient(owner.Address);
        var nonces = new List<string>();

        if (envelope == HamletEnvelope.V1Alpha1)
        {
            using var call = await client.SubscribeV1Async(RawHamletClient.V1Url, window: 8);
            for (var i = 0; i < 60; i++)
            {
                var response = await RawHamletClient.NextAsync(call.ResponseStream);
                nonces.Add(response.Nonce);
                await call.RequestStream.WriteAsync(RawHamletClient.Ack(response), Token);
                if (i == 39)
                {
                    // Live changes after the snapshot get nonces of their own too.
                    owner.Store.Local.Update(SampleServices.Many(20, "new"), []);
                }
            }
        }
        else
        {
            using var call = await client.SubscribeV2Async(window: 8);
            for (var i = 0; i < 60; i++)
            {
                var response = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
                nonces.Add(response.Nonce);
                await call.RequestStream.WriteAsync(RawHamletClient.Ack(response), Token);
                if (i == 39)
                {
                    owner.Store.Local.Update(SampleServices.Many(20, "new"), []);
                }
            }
        }

        Assert.All(nonces, nonce => Assert.False(string.IsNullOrEmpty(nonce)));
        Assert.Equal(nonces.Count, nonces.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task ext_snapshot_count_header_sent(HamletEnvelope envelope)
    {
        await using var owner = await OwnerServer.StartAsync();
        owner.Store.Local.Publish(SampleServices.Many(7));
        using var client = new RawHamletClient(owner.Address);

        var headers = envelope == HamletEnvelope.V1Alpha1
            ? await (await client.SubscribeV1Async(RawHamletClient.V1Url)).ResponseHeadersAsync
            : await (await client.SubscribeV2Async()).ResponseHeadersAsync;

        Assert.Equal("7", headers.GetValue(MeshInteropHeaders.SnapshotCount));
    }

    [Fact]
    public async Task version_v2_first_frame_must_be_request()
    {
        await using var owner = await OwnerServer.StartAsync();
        using var client = new RawHamletClient(owner.Address);
        using var call = client.OpenV2();

        await call.RequestStream.WriteAsync(new V2.BidirectionalStream { Response = new V2.StreamResponse { Nonce = "n1", ResourceUrl = RawHamletClient.V2Url, ResourceId = "web" } }, Token);

        var status = await RawHamletClient.EndAsync(call);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal(0, owner.Owner.StreamCount);
    }

    [Fact]
    public async Task ack_one_response_in_flight()
    {
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(meterFactory: log.Meters);
        owner.Store.Local.Publish(SampleServices.Many(5));
        using var client = new RawHamletClient(owner.Address);
        using var call = await client.SubscribeV1Async(RawHamletClient.V1Url);

        for (var i = 0; i < 5; i++)
        {
            var response = await RawHamletClient.NextAsync(call.ResponseStream);
            await call.RequestStream.WriteAsync(RawHamletClient.Ack(response), Token);
        }

        await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Acked) == 5);

        // Without a window header every send waits for the answer to the one before it.
        Assert.Equal(
            [OwnerEventKind.StreamOpened, .. Enumerable.Repeat<OwnerEventKind[]>([OwnerEventKind.Sent, OwnerEventKind.Acked], 5).SelectMany(pair => pair)],
            log.Events);
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task ack_releases_next_response(HamletEnvelope envelope)
    {
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(meterFactory: log.Meters);
        owner.Store.Local.Publish(SampleServices.Many(2));
        using var client = new RawHamletClient(owner.Address);

        if (envelope == HamletEnvelope.V1Alpha1)
        {
            using var call = await client.SubscribeV1Async(RawHamletClient.V1Url);
            var first = await RawHamletClient.NextAsync(call.ResponseStream);
            await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Sent) == 1);
            await call.RequestStream.WriteAsync(RawHamletClient.Ack(first), Token);
            var second = await RawHamletClient.NextAsync(call.ResponseStream);
            Assert.NotEqual(first.Nonce, second.Nonce);
        }
        else
        {
            using var call = await client.SubscribeV2Async();
            var first = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
            await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Sent) == 1);
            await call.RequestStream.WriteAsync(RawHamletClient.Ack(first), Token);
            var second = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
            Assert.NotEqual(first.Nonce, second.Nonce);
        }

        await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Sent) == 2);
        Assert.Equal([OwnerEventKind.StreamOpened, OwnerEventKind.Sent, OwnerEventKind.Acked, OwnerEventKind.Sent], log.Events.Take(4));
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task ack_nack_keeps_stream_open(HamletEnvelope envelope)
    {
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(meterFactory: log.Meters);
        var nacked = new TaskCompletionSource<HamletNackEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        owner.Owner.Nacked += (_, e) => nacked.TrySetResult(e);
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        using var client = new RawHamletClient(owner.Address);
        var received = new List<string>();

        if (envelope == HamletEnvelope.V1Alpha1)
        {
            using var call = await client.SubscribeV1Async(RawHamletClient.V1Url);
            var web = await RawHamletClient.NextAsync(call.ResponseStream);
            await call.RequestStream.WriteAsync(RawHamletClient.Nack(web, StatusCode.InvalidArgument, "instances[0].protocol: not accepted here"), Token);
            await nacked.Task.WaitAsync(Token);

            // Another change still flows on the same stream, and the NACKed content is not sent again...
            owner.Store.Local.Update([SampleServices.Service("api")], []);
            var api = await RawHamletClient.NextAsync(call.ResponseStream);
            received.Add(api.Resource.Unpack<V1.FederatedService>().Fqdn);
            await call.RequestStream.WriteAsync(RawHamletClient.Ack(api), Token);

            // ...until it changes.
            owner.Store.Local.Update([SampleServices.Service("web", version: "v2")], []);
            var update = await RawHamletClient.NextAsync(call.ResponseStream);
            received.Add(update.Resource.Unpack<V1.FederatedService>().Fqdn);
            Assert.Equal(V1.StreamResponse.Types.Operation.Update, update.Operation);
        }
        else
        {
            using var call = await client.SubscribeV2Async();
            var web = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
            var rejection = RawHamletClient.Ack(web);
            rejection.Request.Status = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = "instances[0].protocol: not accepted here" };
            await call.RequestStream.WriteAsync(rejection, Token);
            await nacked.Task.WaitAsync(Token);

            owner.Store.Local.Update([SampleServices.Service("api")], []);
            var api = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
            received.Add(api.ResourceId);
            await call.RequestStream.WriteAsync(RawHamletClient.Ack(api), Token);

            owner.Store.Local.Update([SampleServices.Service("web", version: "v2")], []);
            received.Add((await RawHamletClient.NextAsync(call.ResponseStream)).Response.ResourceId);
        }

        var nack = await nacked.Task;
        Assert.Equal(("web", (int)StatusCode.InvalidArgument), (nack.ResourceKey, nack.Code));
        Assert.Equal(envelope == HamletEnvelope.V1Alpha1 ? ["api.owner.example", "web.owner.example"] : ["api", "web"], received);
        Assert.Equal(1, log.Count(OwnerEventKind.Nacked));
        Assert.Equal(1, owner.StreamsAuthorized);
    }

    [Fact]
    public async Task ack_unknown_nonce_ignored()
    {
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(meterFactory: log.Meters);
        owner.Store.Local.Publish(SampleServices.Many(2));
        using var client = new RawHamletClient(owner.Address);
        using var call = await client.SubscribeV1Async(RawHamletClient.V1Url);
        var first = await RawHamletClient.NextAsync(call.ResponseStream);

        var stray = RawHamletClient.Ack(first);
        stray.ResponseNonce = "not-a-nonce-this-owner-sent";
        await call.RequestStream.WriteAsync(stray, Token);
        await log.WaitUntilAsync(l => l.Count(OwnerEventKind.UnknownNonce) == 1);

        // Counted and ignored: the stream is open and the real answer still releases the next response.
        await call.RequestStream.WriteAsync(RawHamletClient.Ack(first), Token);
        var second = await RawHamletClient.NextAsync(call.ResponseStream);
        Assert.NotEqual(first.Nonce, second.Nonce);
        await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Sent) == 2);
        Assert.Equal([OwnerEventKind.StreamOpened, OwnerEventKind.Sent, OwnerEventKind.UnknownNonce, OwnerEventKind.Acked, OwnerEventKind.Sent], log.Events);
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task ack_timeout_ends_stream(HamletEnvelope envelope)
    {
        // The real clock with the shortest timeout the options allow: the precise deadline is proven with a fake
        // clock in the unit tests; here the point is how the stream ends on the wire.
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(new HamletOwnerOptions { AckTimeout = TimeSpan.FromSeconds(1) }, meterFactory: log.Meters);
        owner.Store.Local.Publish(SampleServices.Many(2));
        using var client = new RawHamletClient(owner.Address);

        var status = envelope == HamletEnvelope.V1Alpha1
            ? await RawHamletClient.EndAsync(await client.SubscribeV1Async(RawHamletClient.V1Url))
            : await RawHamletClient.EndAsync(await client.SubscribeV2Async());

        Assert.Equal(StatusCode.Unavailable, status.StatusCode);
        Assert.StartsWith("ack timeout", status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, log.Count(OwnerEventKind.Sent));
    }

    [Theory]
    [InlineData(HamletEnvelope.V1Alpha1)]
    [InlineData(HamletEnvelope.V1Alpha2)]
    public async Task ext_window_honoured(HamletEnvelope envelope)
    {
        using var log = new OwnerEventLog();
        await using var owner = await OwnerServer.StartAsync(meterFactory: log.Meters);
        owner.Store.Local.Publish(SampleServices.Many(20));
        using var client = new RawHamletClient(owner.Address);

        if (envelope == HamletEnvelope.V1Alpha1)
        {
            using var call = await client.SubscribeV1Async(RawHamletClient.V1Url, window: 4);
            await AnswerAllAsync(call.ResponseStream, call.RequestStream, r => RawHamletClient.Ack(r));
            await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Acked) == 20);
        }
        else
        {
            using var call = await client.SubscribeV2Async(window: 4);
            await AnswerAllAsync(call.ResponseStream, call.RequestStream, r => RawHamletClient.Ack(r.Response));
            await log.WaitUntilAsync(l => l.Count(OwnerEventKind.Acked) == 20);
        }

        // Never more than 4 unanswered, and while the backlog lasts the owner refills the window to exactly 4
        // after every batch of answers it handles (a run of sends ends at 4 unless nothing is left to send).
        Assert.Equal(4, log.MaxOutstanding());
        var events = log.Events.Where(e => e is OwnerEventKind.Sent or OwnerEventKind.Acked).ToList();
        int outstanding = 0, sent = 0;
        for (var i = 0; i < events.Count; i++)
        {
            outstanding += events[i] == OwnerEventKind.Sent ? 1 : -1;
            sent += events[i] == OwnerEventKind.Sent ? 1 : 0;
            var endOfSendRun = events[i] == OwnerEventKind.Sent && (i + 1 == events.Count || events[i + 1] != OwnerEventKind.Sent);
            if (endOfSendRun && sent < 20)
            {
                Assert.Equal(4, outstanding);
            }
        }

        Assert.Equal(20, sent);

        static async Task AnswerAllAsync<TRequest, TResponse>(IAsyncStreamReader<TResponse> responses, IClientStreamWriter<TRequest> requests, Func<TResponse, TRequest> ack)
        {
            // Hold the first answers back until the window is full, then answer as they come.
            var held = new List<TResponse>();
            for (var i = 0; i < 4; i++)
            {
                held.Add(await RawHamletClient.NextAsync(responses));
            }

            foreach (var response in held)
            {
                await requests.WriteAsync(ack(response), Token);
            }

            for (var i = 4; i < 20; i++)
            {
                await requests.WriteAsync(ack(await RawHamletClient.NextAsync(responses)), Token);
            }
        }
    }

    private static async Task<Status> SubscribeV2AndEndAsync(RawHamletClient client, string resourceUrl)
    {
        using var call = client.OpenV2();
        await call.RequestStream.WriteAsync(new V2.BidirectionalStream { Request = new V2.StreamRequest { ResourceUrl = resourceUrl } }, Token);
        return await RawHamletClient.EndAsync(call);
    }
}
