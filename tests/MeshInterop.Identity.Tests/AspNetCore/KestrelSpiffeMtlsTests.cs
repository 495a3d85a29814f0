using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using MeshInterop.Identity.AspNetCore;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace MeshInterop.Identity.Tests.AspNetCore;

/// <summary>Kestrel with SPIFFE mTLS, called by HttpClient and by a gRPC channel, over real TLS on loopback.</summary>
public sealed class KestrelSpiffeMtlsTests
{
    private static readonly TrustDomain Example = TrustDomain.Parse("example.org");
    private static readonly TrustDomain Peer = TrustDomain.Parse("peer.test");
    private static readonly TestCertificateAuthority ExampleRoot = TestCertificateAuthority.CreateRoot("example.org");
    private static readonly TestCertificateAuthority ExampleIntermediate = ExampleRoot.CreateIntermediate();
    private static readonly TestCertificateAuthority PeerRoot = TestCertificateAuthority.CreateRoot("peer.test");
    private static readonly TestCertificateAuthority RoguePeerRoot = TestCertificateAuthority.CreateRoot("peer.test");

    private readonly InMemoryBundleSource _bundles = new(BundleSet.Empty
        .With(new X509Bundle(Example, [ExampleRoot.Certificate]))
        .With(new X509Bundle(Peer, [PeerRoot.Certificate])));

    private readonly FakeLogger<SpiffeTls> _serverLog = new();
    private readonly InMemoryX509SvidSource _serverSvids = new(X509Svid.Create(ExampleIntermediate.IssueSvid("/server").Leaf, [ExampleIntermediate.Certificate]));
    private readonly ConcurrentQueue<SpiffeId> _serversSeenByClient = new();

    [Fact]
    public async Task HttpClient_PeerInAuthorizedTrustDomain_IsAuthenticatedWithSpiffeClaims()
    {
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        using var client = new HttpClient(CreateClientTls(PeerRoot.IssueSvid("/ns/prod/client")).CreateHttpHandler()) { BaseAddress = server.Address };

        var body = await client.GetStringAsync(new Uri("/whoami", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("spiffe://peer.test/ns/prod/client|peer.test", body);
        Assert.Equal("spiffe://example.org/server", Assert.Single(_serversSeenByClient).ToString());
    }

    [Fact]
    public async Task Authentication_PeerSvidExpiresWhileConnectionIsOpen_LaterRequestsAreUnauthorized()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestCertificateAuthority.Now);
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer), time);
        using var client = new HttpClient(CreateClientTls(PeerRoot.IssueSvid("/ns/prod/client")).CreateHttpHandler()) { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/whoami", UriKind.Relative), ct)).StatusCode);

        time.Advance(TimeSpan.FromDays(2));   // past the client leaf's NotAfter; the pooled connection stays open

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/whoami", UriKind.Relative), ct)).StatusCode);
    }

    [Fact]
    public async Task HttpClient_SpiffePathPolicy_ForbidsPeerOutsideThePrefix()
    {
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        using var client = new HttpClient(CreateClientTls(PeerRoot.IssueSvid("/ns/dev/client")).CreateHttpHandler()) { BaseAddress = server.Address };

        using var response = await client.GetAsync(new Uri("/prod-only", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    public static TheoryData<string, X509SvidFailure> BadClients => new()
    {
        { "wrong-trust-domain", X509SvidFailure.Unauthorized },
        { "expired", X509SvidFailure.Expired },
        { "foreign-ca", X509SvidFailure.UntrustedChain },
        { "ca-as-leaf", X509SvidFailure.LeafIsCa },
    };

    [Theory]
    [MemberData(nameof(BadClients))]
    public async Task HttpClient_BadClientSvid_IsRefusedDuringHandshake(string kind, X509SvidFailure expected)
    {
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        using var client = new HttpClient(RawClientHandler(BadClient(kind))) { BaseAddress = server.Address };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri("/whoami", UriKind.Relative), TestContext.Current.CancellationToken));

        AssertRejected(expected);
    }

    [Fact]
    public async Task Grpc_HealthCheckFromAuthorizedPeer_IsServing()
    {
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = CreateClientTls(PeerRoot.IssueSvid("/client")).CreateHttpHandler() });

        var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Theory]
    [MemberData(nameof(BadClients))]
    public async Task Grpc_BadClientSvid_CallFailsAndServerNamesTheRule(string kind, X509SvidFailure expected)
    {
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = RawClientHandler(BadClient(kind)) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        // How the refusal reaches the client (reset or TLS alert) depends on timing; the server's verdict does not.
        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        AssertRejected(expected);
    }

    [Fact]
    public async Task Grpc_ServerWithUnexpectedId_ClientRefusesIt()
    {
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        var clientTls = new SpiffeTls(
            new InMemoryX509SvidSource(X509Svid.Create(PeerRoot.IssueSvid("/client").Leaf)),
            new X509SvidValidator(_bundles),
            SpiffeAuthorizer.Exact(SpiffeId.Parse("spiffe://example.org/someone-else")));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = clientTls.CreateHttpHandler() });

        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);

        // The client's own TLS refusal surfaces as a failed call start, with the handshake failure underneath.
        Assert.IsType<System.Security.Authentication.AuthenticationException>(Assert.IsType<HttpRequestException>(ex.Status.DebugException).InnerException);
    }

    [Fact]
    public async Task Rotation_ServerSvidAndPeerBundleRotateMidRun_OpenStreamKeepsFlowingAndNewConnectionsUseNewMaterial()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        var health = server.Services.GetRequiredService<HealthServiceImpl>();
        using var firstChannel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = CreateClientTls(PeerRoot.IssueSvid("/client")).CreateHttpHandler() });
        using var watch = new Health.HealthClient(firstChannel).Watch(new HealthCheckRequest(), cancellationToken: ct);
        Assert.True(await watch.ResponseStream.MoveNext(ct));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        // Rotate the server's SVID and the peer trust domain's CA while the stream is open.
        _serverSvids.Set(X509Svid.Create(ExampleIntermediate.IssueSvid("/server-v2").Leaf, [ExampleIntermediate.Certificate]));
        var newPeerRoot = TestCertificateAuthority.CreateRoot("peer.test");
        _bundles.Set(new X509Bundle(Peer, [newPeerRoot.Certificate]));
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.NotServing);

        Assert.True(await watch.ResponseStream.MoveNext(ct));   // the accepted connection survived both rotations
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, watch.ResponseStream.Current.Status);

        using var renewed = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = CreateClientTls(newPeerRoot.IssueSvid("/client")).CreateHttpHandler() });
        var reply = await new Health.HealthClient(renewed).CheckAsync(new HealthCheckRequest(), cancellationToken: ct);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reply.Status);
        Assert.Equal(["spiffe://example.org/server", "spiffe://example.org/server-v2"], _serversSeenByClient.Select(id => id.ToString()));

        using var stale = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = RawClientHandler(PeerRoot.IssueSvid("/client")) });
        await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(stale).CheckAsync(new HealthCheckRequest(), cancellationToken: ct).ResponseAsync);
        AssertRejected(X509SvidFailure.UntrustedChain);
    }

    [Fact]
    public async Task HttpHandler_ClientBundleRotates_NextRequestUsesNewTrust()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartServerAsync(SpiffeAuthorizer.MemberOf(Peer));
        using var client = new HttpClient(CreateClientTls(PeerRoot.IssueSvid("/client")).CreateHttpHandler()) { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/whoami", UriKind.Relative), ct)).StatusCode);

        // The client stops trusting example.org's CA: a fresh connection to the server must now fail.
        _bundles.Set(new X509Bundle(Example, [TestCertificateAuthority.CreateRoot("example.org").Certificate]));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("/whoami", UriKind.Relative), ct));
    }

    private Task<LoopbackServer> StartServerAsync(SpiffeAuthorizer authorizer, TimeProvider? time = null)
    {
        var tls = new SpiffeTls(_serverSvids, new X509SvidValidator(_bundles, timeProvider: time), authorizer, _serverLog);
        return LoopbackServer.StartAsync(
            listen => listen.UseSpiffeMtls(tls),
            builder =>
            {
                builder.Services.AddSingleton(tls);
                builder.Services.AddSingleton<HealthServiceImpl>();
                builder.Services.AddGrpc();
                builder.Services.AddRouting();
                builder.Services.AddAuthentication(SpiffeAuthenticationDefaults.AuthenticationScheme).AddSpiffe();
                builder.Services.AddAuthorizationBuilder()
                    .AddPolicy("prod", policy => policy.RequireSpiffePathPrefix(Peer, "/ns/prod"));
            },
            app =>
            {
                app.Services.GetRequiredService<HealthServiceImpl>().SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapGrpcService<HealthServiceImpl>();
                app.MapGet("/whoami", (HttpContext context) =>
                    $"{context.User.FindFirst(SpiffeAuthenticationDefaults.SpiffeIdClaimType)?.Value}|{context.User.FindFirst(SpiffeAuthenticationDefaults.TrustDomainClaimType)?.Value}")
                    .RequireAuthorization();
                app.MapGet("/prod-only", () => "ok").RequireAuthorization("prod");
            });
    }

    private SpiffeTls CreateClientTls(TestSvid svid) => new(
        new InMemoryX509SvidSource(X509Svid.Create(svid.Leaf, svid.Intermediates)),
        new X509SvidValidator(_bundles),
        SpiffeAuthorizer.Predicate(id => { _serversSeenByClient.Enqueue(id); return id.MemberOf(Example); }, "records the server"));

    private static TestSvid BadClient(string kind) => kind switch
    {
        "wrong-trust-domain" => ExampleIntermediate.IssueSvid("/not-a-peer"),
        "expired" => PeerRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://peer.test/client"], NotBefore = TestCertificateAuthority.Now.AddDays(-3), NotAfter = TestCertificateAuthority.Now.AddDays(-1) }),
        "foreign-ca" => RoguePeerRoot.IssueSvid("/client"),
        "ca-as-leaf" => new TestSvid(PeerRoot.CreateIntermediate(new TestCaOptions { UriSans = ["spiffe://peer.test/client"] }).Certificate, [], PeerRoot),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A client that presents whatever certificate it is given and trusts any server: only the server's verdict matters.</summary>
    private static SocketsHttpHandler RawClientHandler(TestSvid svid)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(svid.Leaf, svid.IntermediateCollection, offline: true);
#pragma warning disable CA5359 // the server, not this client, is under test
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        return handler;
    }

    private void AssertRejected(X509SvidFailure expected)
    {
        var rejections = _serverLog.Collector.GetSnapshot().Where(r => r.Id.Name == "PeerRejected").ToList();
        Assert.NotEmpty(rejections);
        Assert.All(rejections, r => Assert.Contains($": {expected}: ", r.Message, StringComparison.Ordinal));
    }
}
