using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Federation.Internal;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Federation.Tests.Internal;

public sealed class FederationStatusTests : IDisposable
{
    private static readonly TestCertificateAuthority Ca = TestCertificateAuthority.CreateRoot("mesh-a.example");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly FederationAgent _agent;
    private readonly FederationStatus _status;

    public FederationStatusTests()
    {
        var options = MeshFederationOptionsValidatorTests.Valid();
        options.Peers.Add(new MeshFederationPeerOptions { Name = "mesh-c", Address = "https://127.0.0.1:15444", TrustDomain = "mesh-c.example" });
        options.Peers[1].TrustBundle.Pem = options.Peers[0].TrustBundle.Pem;
        var services = new ServiceCollection()
            .AddSingleton<IX509SvidSource>(new InMemoryX509SvidSource(X509Svid.Create(Ca.IssueSvid("/meshinterop/agent").Leaf)))
            .BuildServiceProvider();
        _agent = new FederationAgent(Microsoft.Extensions.Options.Options.Create(options), services, _time);
        _status = new FederationStatus(_agent);
    }

    [Fact]
    public void Peers_NotLeader_EveryPeerStandby()
    {
        Assert.False(_status.IsLeader);
        Assert.All(_status.Peers, p => Assert.Equal(MeshFederationPeerState.Standby, p.State));
        Assert.Equal(["mesh-b", "mesh-c"], _status.Peers.Select(p => p.Name));
    }

    [Fact]
    public void Consumer_StatesDuringATerm_MapToPeerStatesWithErrorsAndTimes()
    {
        var changes = 0;
        _status.Changed += (_, _) => changes++;
        _status.BeginTerm(new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time));

        _status.Consumer(0, new HamletConsumerStatus(HamletConsumerState.Connected, null, 0, false));
        _status.Synced(0);
        _time.Advance(TimeSpan.FromSeconds(5));
        _status.ChangeApplied(0);
        _status.Consumer(1, new HamletConsumerStatus(HamletConsumerState.WaitingToRetry, "Unavailable: refused", 3, false));

        var b = _status.Peers[0];
        var c = _status.Peers[1];
        Assert.True(_status.IsLeader);
        Assert.True(b.IsConnected);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), b.LastFullSync);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 10, TimeSpan.Zero), b.LastChange);
        Assert.True(c.IsRetrying);
        Assert.Equal("Unavailable: refused", c.LastError);
        Assert.Equal(3, c.Reconnects);
        Assert.Equal(5, changes);
    }

    [Fact]
    public void BeginTerm_Ended_PeersBackToStandbyAndTimesCleared()
    {
        _status.BeginTerm(new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time));
        _status.Consumer(0, new HamletConsumerStatus(HamletConsumerState.Connected, null, 0, false));
        _status.Synced(0);

        _status.BeginTerm(null);

        Assert.False(_status.IsLeader);
        Assert.Null(_status.Peers[0].LastFullSync);
        Assert.Equal(MeshFederationPeerState.Standby, _status.Peers[0].State);
    }

    [Fact]
    public async Task HealthCheck_ByPeerStates_HealthyDegradedUnhealthy()
    {
        var check = new MeshFederationHealthCheck(_status);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("federation", check, HealthStatus.Unhealthy, null) };
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, ct)).Status); // standby

        _status.BeginTerm(new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time));
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, ct)).Status);

        _status.Consumer(0, new HamletConsumerStatus(HamletConsumerState.Connected, null, 0, false));
        _status.Consumer(1, new HamletConsumerStatus(HamletConsumerState.Failed, "PermissionDenied: no", 0, false));
        var degraded = await check.CheckHealthAsync(context, ct);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("mesh-c: Failed (PermissionDenied: no)", degraded.Description, StringComparison.Ordinal);

        _status.Consumer(1, new HamletConsumerStatus(HamletConsumerState.Connected, null, 1, false));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, ct)).Status);
    }

    public void Dispose() => _agent.Dispose();
}
