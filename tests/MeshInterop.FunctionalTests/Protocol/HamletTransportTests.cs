using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Owner;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>Transport security and the consumer's retry policy, against real Kestrel with SPIFFE mTLS.</summary>
public sealed class HamletTransportTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task transport_client_without_cert_rejected()
    {
        await using var owner = await OwnerServer.StartAsync();
        var handler = new SocketsHttpHandler();
        MtlsGrpcHost.ConsumerTls().Configure(handler);
        handler.SslOptions.ClientCertificateContext = null;
        handler.SslOptions.ClientCertificates = null;
        using var channel = GrpcChannel.ForAddress(owner.Address, new GrpcChannelOptions { HttpHandler = handler });

        var status = await SubscribeAndEndAsync(channel);

        Assert.NotEqual(StatusCode.OK, status.StatusCode);
        Assert.Equal(0, owner.StreamsAuthorized);
        Assert.Equal(0, owner.Owner.StreamCount);
    }

    [Fact]
    public async Task transport_plaintext_rejected_by_default()
    {
        await using var owner = await OwnerServer.StartAsync();
        var plaintext = new UriBuilder(owner.Address) { Scheme = Uri.UriSchemeHttp }.Uri;
        using var channel = GrpcChannel.ForAddress(plaintext, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() });

        var status = await SubscribeAndEndAsync(channel);

        Assert.NotEqual(StatusCode.OK, status.StatusCode);
        Assert.Equal(0, owner.StreamsAuthorized);
    }

    [Fact]
    public async Task transport_unauthenticated_not_retried()
    {
        var time = new FakeTimeProvider();
        await using var owner = await OwnerServer.StartAsync(authorize: _ => HamletPeerAuthorization.Unauthenticated("Not a federated mesh."));
        await using var consumer = new ConsumerSide(owner.Address, time: time);

        await consumer.StartAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Failed);

        // Ten times the base backoff later, still exactly the one attempt.
        time.Advance(new HamletConsumerOptions().InitialReconnectDelay * 10);
        Assert.StartsWith("Unauthenticated", consumer.Consumer.Status.LastError, StringComparison.Ordinal);
        Assert.Equal((HamletConsumerState.Failed, 0L, 1), (consumer.Consumer.Status.State, consumer.Consumer.Status.Reconnects, owner.StreamsAuthorized));
    }

    [Fact]
    public async Task transport_invalid_argument_not_retried()
    {
        var time = new FakeTimeProvider();

        // The owner serves only v1alpha1 resources on the v1alpha1 envelope; the consumer asks for v1alpha2.
        await using var owner = await OwnerServer.StartAsync(new HamletOwnerOptions());
        await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { ResourceVersion = HamletResourceVersion.V1Alpha2 }, time);

        await consumer.StartAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Failed);

        time.Advance(new HamletConsumerOptions().InitialReconnectDelay * 10);
        Assert.StartsWith("InvalidArgument", consumer.Consumer.Status.LastError, StringComparison.Ordinal);
        Assert.Equal((HamletConsumerState.Failed, 0L, 1), (consumer.Consumer.Status.State, consumer.Consumer.Status.Reconnects, owner.StreamsAuthorized));
    }

    [Fact]
    public async Task transport_unavailable_retried_with_backoff()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<HamletConsumer>();
        var options = new HamletConsumerOptions { InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(8) };
        await using var consumer = new ConsumerSide(UnusedLoopbackAddress(), options, time, logger: logger);

        await consumer.StartAsync();

        // Nothing listens: every attempt fails with Unavailable. Delays: 1, 2, 4, 8, 8 s, each plus up to 20 %.
        var scheduled = new[] { 1, 2, 4, 8, 8 };
        for (var attempt = 0; attempt < scheduled.Length; attempt++)
        {
            var reconnects = (long)attempt;
            await consumer.WaitUntilAsync(side => side.Consumer.Status is { State: HamletConsumerState.WaitingToRetry } s && s.Reconnects == reconnects);
            var delay = TimeSpan.FromSeconds(double.Parse(logger.LatestRecord.StructuredState!.Single(p => p.Key == "DelaySeconds").Value!, CultureInfo.InvariantCulture));
            Assert.InRange(delay.TotalSeconds, scheduled[attempt], scheduled[attempt] * 1.2 + 0.05);
            Assert.StartsWith("Unavailable", consumer.Consumer.Status.LastError, StringComparison.Ordinal);

            time.Advance(delay - TimeSpan.FromMilliseconds(100));
            Assert.Equal(reconnects, consumer.Consumer.Status.Reconnects);
            time.Advance(TimeSpan.FromMilliseconds(200));
            await consumer.WaitUntilAsync(side => side.Consumer.Status.Reconnects == reconnects + 1);
        }
    }

    private static Uri UnusedLoopbackAddress()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new Uri("https://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<Status> SubscribeAndEndAsync(GrpcChannel channel)
    {
        try
        {
            using var call = new V1.DiscoveryService.DiscoveryServiceClient(channel).EstablishStream(cancellationToken: Token);
            await call.RequestStream.WriteAsync(new V1.StreamRequest { ResourceUrl = RawHamletClient.V1Url }, Token);
            return await RawHamletClient.EndAsync(call);
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // Writing the subscription can fail below gRPC, before any status exists: the connection never came up.
            return new Status(StatusCode.Unavailable, ex.Message);
        }
    }
}
