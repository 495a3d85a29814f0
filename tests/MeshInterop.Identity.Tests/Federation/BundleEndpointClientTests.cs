using System.Net;
using System.Text;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Federation;
using MeshInterop.Identity.X509;
using static MeshInterop.Identity.Tests.Federation.FederationPki;

namespace MeshInterop.Identity.Tests.Federation;

/// <summary>The bundle endpoint client against a real bundle endpoint server over HTTPS on loopback, in both profiles.</summary>
public sealed class BundleEndpointClientTests
{
    private static readonly BundleSet Served = BundleSet.Empty.With(BundleOf(ExampleRoot));

    [Fact]
    public async Task F7_HttpsSpiffeSelfServing_BootstrapAuthenticatesServerAndBundleIsRetrieved()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        var client = new BundleEndpointClient(SpiffeOptions(server.Url()), new InMemoryBundleSource());

        var bundle = await client.FetchAsync(TestContext.Current.CancellationToken);

        Assert.Equal(BundleEndpointServer.ExampleOrg, bundle.TrustDomain);
        Assert.Equal(ExampleRoot.Certificate.RawData, Assert.Single(bundle.X509Bundle.Authorities).RawData);
        Assert.NotNull(bundle.SequenceNumber);
        Assert.Equal(TimeSpan.FromSeconds(60), bundle.RefreshHint);
    }

    [Fact]
    public async Task F7_HttpsSpiffe_ServerPresentsAnotherId_FailsServerRejected()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid(path: "/impostor")), Served);
        var client = new BundleEndpointClient(SpiffeOptions(server.Url()), new InMemoryBundleSource());

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => client.FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.ServerRejected, ex.Failure);
        Assert.Contains("spiffe://example.org/impostor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F7_HttpsSpiffe_ServerSvidFromForeignCa_FailsServerRejected()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid(RogueExampleRoot)), Served);
        var client = new BundleEndpointClient(SpiffeOptions(server.Url()), new InMemoryBundleSource());

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => client.FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.ServerRejected, ex.Failure);
        Assert.Contains(nameof(X509SvidFailure.UntrustedChain), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F8_HttpsSpiffeSelfServing_LatestBundleIsUsedInsteadOfBootstrap()
    {
        // The endpoint already moved to a new CA; the bootstrap bundle only knows the old one, the latest knows the new.
        var newRoot = Testing.Pki.TestCertificateAuthority.CreateRoot("example.org");
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid(newRoot)), BundleSet.Empty.With(BundleOf(newRoot)));
        var latest = new InMemoryBundleSource(BundleSet.Empty.With(BundleOf(newRoot)));

        var bundle = await new BundleEndpointClient(SpiffeOptions(server.Url()), latest).FetchAsync(TestContext.Current.CancellationToken);
        var stale = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(SpiffeOptions(server.Url()), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(newRoot.Certificate.RawData, Assert.Single(bundle.X509Bundle.Authorities).RawData);
        Assert.Equal(BundleEndpointFailure.ServerRejected, stale.Failure);
    }

    [Fact]
    public async Task F8_HttpsSpiffeNotSelfServing_WithoutEndpointTrust_FailsNoEndpointTrust()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        var options = SpiffeOptions(server.Url(), endpointId: SpiffeId.Parse("spiffe://operator.test/bundles"));
        options.BootstrapBundle = null;

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(options, new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.NoEndpointTrust, ex.Failure);
    }

    [Fact]
    public async Task F6_HttpsWeb_TrustedCaAndMatchingAddress_RetrievesBundle()
    {
        await using var server = await BundleEndpointServer.StartWebAsync(WebCertificate(), Served);

        var bundle = await new BundleEndpointClient(WebOptions(server.Url()), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ExampleRoot.Certificate.RawData, Assert.Single(bundle.X509Bundle.Authorities).RawData);
    }

    [Fact]
    public async Task F6_HttpsWeb_CertificateForAnotherHost_FailsServerRejected()
    {
        await using var server = await BundleEndpointServer.StartWebAsync(WebCertificate(matchingAddress: false), Served);

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(WebOptions(server.Url()), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.ServerRejected, ex.Failure);
        Assert.Contains("RemoteCertificateNameMismatch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task F6_HttpsWeb_UntrustedCa_FailsServerRejected()
    {
        await using var server = await BundleEndpointServer.StartWebAsync(WebCertificate(), Served);
        var options = WebOptions(server.Url());
        options.WebTrustAnchors = [ExampleRoot.Certificate];

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(options, new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.ServerRejected, ex.Failure);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(204)]
    public async Task Status_NonOkAnswer_FailsWithoutParsingTheBody(int status)
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        server.FailWith = status;

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(SpiffeOptions(server.Url()), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.UnexpectedStatus, ex.Failure);
        Assert.Equal(status, ex.StatusCode);
    }

    [Theory]
    [InlineData("/huge")]
    [InlineData("/huge-declared")]
    public async Task SizeLimit_BodyOverOneMebibyte_FailsResponseTooLarge(string path)
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(SpiffeOptions(server.Url(path)), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.ResponseTooLarge, ex.Failure);
    }

    [Fact]
    public async Task SizeLimit_ConfiguredBelowDocumentSize_FailsResponseTooLarge()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        var options = SpiffeOptions(server.Url());
        options.MaxResponseBytes = 64;

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(options, new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.ResponseTooLarge, ex.Failure);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"spiffe_sequence\":1}")]
    [InlineData("{\"keys\":[],\"keys\":[]}")]
    public async Task Document_InvalidBundle_FailsInvalidDocument(string body)
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        server.RawDocument = Encoding.UTF8.GetBytes(body);

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(SpiffeOptions(server.Url()), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.InvalidDocument, ex.Failure);
    }

    [Theory]
    [InlineData("/redirect")]
    [InlineData("/redirect-permanent")]
    public async Task F5_RedirectToValidEndpointUrl_IsFollowed(string path)
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        var options = SpiffeOptions(server.Url(path));

        var bundle = await new BundleEndpointClient(options, new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken);

        Assert.Single(bundle.X509Bundle.Authorities);
        Assert.Equal(server.Url(path), options.Url);   // never persisted, even when permanent
    }

    [Theory]
    [InlineData("/redirect-http")]
    [InlineData("/redirect-loop")]
    public async Task F5_RedirectToPlainHttpOrEndlessly_FailsInvalidRedirect(string path)
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(SpiffeOptions(server.Url(path)), new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.InvalidRedirect, ex.Failure);
    }

    [Fact]
    public async Task F5_RedirectsDisabled_FailsInvalidRedirect()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        var options = SpiffeOptions(server.Url("/redirect"));
        options.FollowRedirects = false;

        var ex = await Assert.ThrowsAsync<BundleEndpointException>(() => new BundleEndpointClient(options, new InMemoryBundleSource()).FetchAsync(TestContext.Current.CancellationToken));

        Assert.Equal(BundleEndpointFailure.InvalidRedirect, ex.Failure);
        Assert.Equal(302, ex.StatusCode);
    }

    public static TheoryData<string, Action<BundleEndpointOptions>> InvalidOptions => new()
    {
        { "TrustDomain is required", o => o.TrustDomain = default },
        { "must use the https scheme", o => o.Url = new Uri("http://127.0.0.1/bundle") },
        { "must not contain userinfo", o => o.Url = new Uri("https://user:secret@127.0.0.1/bundle") },
        { "must be absolute", o => o.Url = new Uri("/bundle", UriKind.Relative) },
        { "Profile is required", o => o.Profile = null },
        { "EndpointSpiffeId is required", o => o.EndpointSpiffeId = default },
        { "BootstrapBundle is required for a self-serving", o => o.BootstrapBundle = null },
        { "MaxResponseBytes", o => o.MaxResponseBytes = 2 * 1024 * 1024 },
        { "Timeout", o => o.Timeout = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void F2_F3_InvalidOptions_AreRejectedUpFrontWithTheReason(string expected, Action<BundleEndpointOptions> spoil)
    {
        var options = SpiffeOptions(new Uri("https://127.0.0.1/bundle"));
        spoil(options);

        var ex = Assert.Throws<ArgumentException>(() => new BundleEndpointClient(options, new InMemoryBundleSource()));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void F3_HttpsWebWithSpiffeParameters_IsRejected()
    {
        var options = WebOptions(new Uri("https://127.0.0.1/bundle"));
        options.EndpointSpiffeId = BundleEndpointServer.EndpointId;

        Assert.Throws<ArgumentException>(() => new BundleEndpointClient(options, new InMemoryBundleSource()));
    }

    [Fact]
    public async Task Server_PostRequest_Gets405AndGetServesJsonWithSequence()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), Served);
        using var http = new HttpClient(InsecureHandler());

        using var post = await http.PostAsync(server.Url(), new StringContent("{}"), TestContext.Current.CancellationToken);
        using var get = await http.GetAsync(server.Url(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        var document = SpiffeBundle.Parse(await get.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), BundleEndpointServer.ExampleOrg);
        Assert.Equal(TimeSpan.FromSeconds(60), document.RefreshHint);
    }

    [Fact]
    public async Task Server_NoBundleYet_Answers503ThenSequenceGrowsWithEachChange()
    {
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty);
        using var http = new HttpClient(InsecureHandler());
        var ct = TestContext.Current.CancellationToken;

        using (var none = await http.GetAsync(server.Url(), ct))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
        server.Served.Set(BundleOf(ExampleRoot));
        var first = SpiffeBundle.Parse(await http.GetByteArrayAsync(server.Url(), ct), BundleEndpointServer.ExampleOrg);
        server.Served.Set(BundleOf([ExampleRoot, RogueExampleRoot]));
        var second = SpiffeBundle.Parse(await http.GetByteArrayAsync(server.Url(), ct), BundleEndpointServer.ExampleOrg);

        Assert.True(second.SequenceNumber > first.SequenceNumber);
        Assert.Equal(2, second.X509Bundle.Authorities.Count);
    }

    /// <summary>F-4 makes the endpoint public; this plain client checks only the server-side behaviour.</summary>
    private static SocketsHttpHandler InsecureHandler()
    {
        var handler = new SocketsHttpHandler();
#pragma warning disable CA5359 // the server's HTTP behaviour, not its identity, is under test here
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        return handler;
    }
}
