using System.Diagnostics.Metrics;
using System.Threading.Channels;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Federation;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using static MeshInterop.Identity.Tests.Federation.FederationPki;

namespace MeshInterop.Identity.Tests.Federation;

/// <summary>The refresh loop against a real https_spiffe bundle endpoint; the clock is a FakeTimeProvider, never a sleep.</summary>
public sealed class FederatedBundleRefresherTests
{
    // Hint 60 s (the 1 min floor) plus the largest jitter (+10 %), and a little more.
    private static readonly TimeSpan PastNextRefresh = TimeSpan.FromSeconds(67);

    private readonly FakeTimeProvider _time = new(TestCertificateAuthority.Now);
    private readonly InMemoryBundleSource _bundles = new();

    [Fact]
    public async Task Refresh_AtTheHint_ReplacesAuthoritiesWithThePeersNewBundle()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = Create(server);
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);

        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);
        AssertAuthorities(ExampleRoot);

        var newRoot = TestCertificateAuthority.CreateRoot("example.org");
        server.Served.Set(BundleOf([ExampleRoot, newRoot]));
        _time.Advance(PastNextRefresh);
        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);
        AssertAuthorities(ExampleRoot, newRoot);

        server.Served.Set(BundleOf(newRoot));   // the old CA is retired: it must stop being trusted
        _time.Advance(PastNextRefresh);
        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);
        AssertAuthorities(newRoot);
    }

    [Fact]
    public async Task F8_SelfServingEndpointRotatesItsCa_NextRetrievalTrustsTheLatestBundle()
    {
        var ct = TestContext.Current.CancellationToken;
        var svids = new InMemoryX509SvidSource(EndpointSvid());
        await using var server = await BundleEndpointServer.StartSpiffeAsync(svids, BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = Create(server);
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);
        await events.NextAsync(ct);

        // Publish the new CA first (as operators must), then move the endpoint's own SVID to it.
        var newRoot = TestCertificateAuthority.CreateRoot("example.org");
        server.Served.Set(BundleOf([ExampleRoot, newRoot]));
        _time.Advance(PastNextRefresh);
        await events.NextAsync(ct);
        svids.Set(EndpointSvid(newRoot));
        server.Served.Set(BundleOf(newRoot));
        _time.Advance(PastNextRefresh);

        var applied = await events.NextAsync(ct);
        Assert.Equal("updated", applied.Kind);   // the bootstrap bundle (old CA only) would have refused this server
        AssertAuthorities(newRoot);
    }

    [Fact]
    public async Task Failure_EndpointDown_KeepsLastGoodBundleAndRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = Create(server);
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);
        await events.NextAsync(ct);
        var generation = _bundles.Current.Generation;

        server.FailWith = 503;
        _time.Advance(PastNextRefresh);
        var failed = await events.NextAsync(ct);
        _time.Advance(PastNextRefresh);
        var failedAgain = await events.NextAsync(ct);

        Assert.Equal("failed", failed.Kind);
        Assert.Equal(BundleEndpointFailure.UnexpectedStatus, failed.Args.Error!.Failure);
        Assert.Equal(2, failedAgain.Args.ConsecutiveFailures);
        Assert.Equal(generation, _bundles.Current.Generation);
        AssertAuthorities(ExampleRoot);
        Assert.Equal(2, refresher.GetStatus(BundleEndpointServer.ExampleOrg).ConsecutiveFailures);

        server.FailWith = null;
        _time.Advance(PastNextRefresh);
        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);
        Assert.Equal(0, refresher.GetStatus(BundleEndpointServer.ExampleOrg).ConsecutiveFailures);
    }

    [Fact]
    public async Task F6_HttpsWebEndpoint_RefreshFailureAndRecovery()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartWebAsync(WebCertificate(), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = new FederatedBundleRefresher(_bundles, [WebOptions(server.Url())], timeProvider: _time);
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);
        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);

        server.FailWith = 500;
        _time.Advance(PastNextRefresh);
        Assert.Equal("failed", (await events.NextAsync(ct)).Kind);
        AssertAuthorities(ExampleRoot);

        var newRoot = TestCertificateAuthority.CreateRoot("example.org");
        server.Served.Set(BundleOf(newRoot));
        server.FailWith = null;
        _time.Advance(PastNextRefresh);
        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);
        AssertAuthorities(newRoot);
        Assert.Equal(BundleEndpointProfile.HttpsWeb, refresher.GetStatus(BundleEndpointServer.ExampleOrg).Profile);
    }

    [Fact]
    public async Task Sequence_LowerThanStored_KeepsStoredBundleAndRaisesSequenceRegressed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty);
        server.RawDocument = BundleOf(ExampleRoot, sequence: 5).ToUtf8Json();
        await using var refresher = Create(server);
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);
        await events.NextAsync(ct);

        server.RawDocument = BundleOf(RogueExampleRoot, sequence: 3).ToUtf8Json();
        _time.Advance(PastNextRefresh);
        var regressed = await events.NextAsync(ct);

        Assert.Equal("regressed", regressed.Kind);
        Assert.Equal(5UL, regressed.Args.StoredSequence);
        AssertAuthorities(ExampleRoot);
        Assert.Equal(5UL, refresher.GetStatus(BundleEndpointServer.ExampleOrg).Sequence);
    }

    [Fact]
    public async Task EarlyRefresh_UnknownAuthorityAtValidator_RefreshesOnceWithinTheRateLimit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = Create(server);
        using var events = new RefreshEvents(refresher);
        var validator = new X509SvidValidator(_bundles, timeProvider: _time);
        using var watch = refresher.WatchForUnknownAuthorities(validator);
        await refresher.StartAsync(ct);
        await events.NextAsync(ct);

        // The peer rotated its CA and a workload already presents an SVID from it; the poll is a minute away.
        var newRoot = TestCertificateAuthority.CreateRoot("example.org");
        server.Served.Set(BundleOf([ExampleRoot, newRoot]));
        var svid = newRoot.IssueSvid("/workload");
        Assert.Equal(X509SvidFailure.UntrustedChain, validator.Validate(svid.Leaf).Failure);

        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);   // no clock movement needed
        Assert.True(validator.Validate(svid.Leaf).IsValid);
        Assert.False(refresher.RequestRefresh(BundleEndpointServer.ExampleOrg));   // rate-limited
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(refresher.RequestRefresh(BundleEndpointServer.ExampleOrg));
    }

    [Fact]
    public async Task Metrics_RefreshOutcomesAndBundleGauges_AreRecorded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var refreshes = new MetricCollector<long>(meterFactory, IdentityTelemetry.Name, "meshinterop.identity.bundle.refreshes");
        using var authorities = new MetricCollector<double>(meterFactory, IdentityTelemetry.Name, "meshinterop.identity.bundle.authorities");
        using var age = new MetricCollector<double>(meterFactory, IdentityTelemetry.Name, "meshinterop.identity.bundle.age");
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = Create(server, meterFactory);
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);
        await events.NextAsync(ct);
        server.FailWith = 500;
        _time.Advance(PastNextRefresh);
        await events.NextAsync(ct);

        var outcomes = refreshes.GetMeasurementSnapshot().Select(m => (string?)m.Tags[IdentityTelemetry.OutcomeTag]).ToList();
        Assert.Equal(["updated", "failed"], outcomes);
        Assert.Equal("{refresh}", refreshes.Instrument!.Unit);
        authorities.RecordObservableInstruments();
        Assert.Equal(1, authorities.LastMeasurement!.Value);
        age.RecordObservableInstruments();
        Assert.Equal("s", age.Instrument!.Unit);
        Assert.Equal(PastNextRefresh.TotalSeconds, age.LastMeasurement!.Value);
    }

    [Fact]
    public async Task Loop_EventHandlerThrows_NextRefreshStillRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await BundleEndpointServer.StartSpiffeAsync(new InMemoryX509SvidSource(EndpointSvid()), BundleSet.Empty.With(BundleOf(ExampleRoot)));
        await using var refresher = Create(server);
        var threw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        refresher.BundleUpdated += (_, _) =>
        {
            if (threw.TrySetResult())
                throw new InvalidOperationException("a subscriber's bug");
        };
        using var events = new RefreshEvents(refresher);
        await refresher.StartAsync(ct);
        await threw.Task.WaitAsync(ct);

        _time.Advance(PastNextRefresh);

        Assert.Equal("updated", (await events.NextAsync(ct)).Kind);
    }

    [Fact]
    public void Constructor_SameTrustDomainTwice_Throws()
    {
        var options = SpiffeOptions(new Uri("https://127.0.0.1/bundle"));

        Assert.Throws<ArgumentException>(() => new FederatedBundleRefresher(_bundles, [options, options]));
    }

    private FederatedBundleRefresher Create(BundleEndpointServer server, IMeterFactory? meterFactory = null) =>
        new(_bundles, [SpiffeOptions(server.Url())], timeProvider: _time, meterFactory: meterFactory);

    private void AssertAuthorities(params TestCertificateAuthority[] roots)
    {
        Assert.True(_bundles.Current.TryGetX509Bundle(BundleEndpointServer.ExampleOrg, out var bundle));
        Assert.Equal(roots.Select(r => Convert.ToHexString(r.Certificate.RawData)).Order(StringComparer.Ordinal), bundle.Authorities.Select(a => Convert.ToHexString(a.RawData)).Order(StringComparer.Ordinal));
    }

    /// <summary>Queues every refresher event so a test can await them in order.</summary>
    private sealed class RefreshEvents : IDisposable
    {
        private readonly Channel<(string Kind, BundleRefreshEventArgs Args)> _channel = Channel.CreateUnbounded<(string, BundleRefreshEventArgs)>();
        private readonly FederatedBundleRefresher _refresher;

        public RefreshEvents(FederatedBundleRefresher refresher)
        {
            _refresher = refresher;
            refresher.BundleUpdated += OnUpdated;
            refresher.BundleRetrievalFailed += OnFailed;
            refresher.SequenceRegressed += OnRegressed;
        }

        public async Task<(string Kind, BundleRefreshEventArgs Args)> NextAsync(CancellationToken cancellationToken) =>
            await _channel.Reader.ReadAsync(cancellationToken);

        public void Dispose()
        {
            _refresher.BundleUpdated -= OnUpdated;
            _refresher.BundleRetrievalFailed -= OnFailed;
            _refresher.SequenceRegressed -= OnRegressed;
        }

        private void OnUpdated(object? sender, BundleRefreshEventArgs e) => _channel.Writer.TryWrite(("updated", e));

        private void OnFailed(object? sender, BundleRefreshEventArgs e) => _channel.Writer.TryWrite(("failed", e));

        private void OnRegressed(object? sender, BundleRefreshEventArgs e) => _channel.Writer.TryWrite(("regressed", e));
    }
}
