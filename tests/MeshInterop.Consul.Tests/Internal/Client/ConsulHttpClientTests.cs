using System.Text;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Consul.Tests.Internal.Client;

/// <summary>The client through the double's fault modes (reference §13 a–n); these run only against the double.</summary>
public sealed class ConsulHttpClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private FakeConsulServer _server = null!;
    private ConsulTestClient _test = null!;

    private ConsulHttpClient Client => _test.Client;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync(_time, TestContext.Current.CancellationToken);
        _test = ConsulTestClient.Create(_server.Address, _time);
        await Client.DetectEditionAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _test.Dispose();
        await _server.DisposeAsync();
    }

    private static CatalogRegistration Registration(string node, string service, string id, int metaBytes = 0) => new()
    {
        Node = node,
        Address = "198.51.100.40",
        Service = new AgentService
        {
            ID = id,
            Service = service,
            Port = 8443,
            Meta = metaBytes == 0 ? null : new() { ["blob"] = new string('x', metaBytes) },
        },
    };

    [Fact]
    public async Task RegisterAsync_ThenHealthService_ReturnsInstanceWithHeaders()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(await Client.RegisterAsync(Registration("meshinterop-emea", "emea-orders", "emea-orders-1"), ct));

        var result = await Client.GetHealthServiceAsync("emea-orders", new ConsulQuery { Consistency = ConsulConsistency.Stale }, ct);

        Assert.Equal("emea-orders-1", Assert.Single(result.Value).Service!.ID);
        Assert.True(result.Meta.LastIndex > 1);
        Assert.Equal(true, result.Meta.KnownLeader);
        Assert.Equal(TimeSpan.Zero, result.Meta.LastContact);
        Assert.Equal("stale", result.Meta.EffectiveConsistency);
        Assert.Equal("blocking-query", result.Meta.QueryBackend);
        Assert.Equal("allow", result.Meta.DefaultAclPolicy);
        Assert.False(result.Meta.ResultsFilteredByAcls);
    }

    [Fact]
    public async Task LeaderLost_DefaultReadAndWrite_FailNoLeader_StaleReadServesWithGrowingLastContact()
    {
        var ct = TestContext.Current.CancellationToken;
        await Client.RegisterAsync(Registration("n1", "orders", "orders-1"), ct);
        _server.Faults.LoseLeader();
        _time.Advance(TimeSpan.FromSeconds(12));

        var read = await Assert.ThrowsAsync<ConsulServerException>(() => Client.GetHealthServiceAsync("orders", ConsulQuery.Default, ct));
        var write = await Assert.ThrowsAsync<ConsulServerException>(() => Client.RegisterAsync(Registration("n1", "orders", "orders-2"), ct));
        var stale = await Client.GetHealthServiceAsync("orders", new ConsulQuery { Consistency = ConsulConsistency.Stale }, ct);
        _time.Advance(TimeSpan.FromSeconds(5));
        var later = await Client.GetHealthServiceAsync("orders", new ConsulQuery { Consistency = ConsulConsistency.Stale }, ct);

        Assert.True(read.IsNoLeader);
        Assert.False(read.MayHaveBeenApplied);
        Assert.Equal(ConsulRetryClass.BackOff, read.RetryClass);
        Assert.True(write.IsNoLeader);
        Assert.True(write.MayHaveBeenApplied);
        Assert.Equal(false, stale.Meta.KnownLeader);
        Assert.Equal(TimeSpan.FromSeconds(12), stale.Meta.LastContact);
        Assert.Equal(TimeSpan.FromSeconds(17), later.Meta.LastContact);
        Assert.Single(stale.Value);
    }

    [Fact]
    public async Task RateLimits_MapToRetryElsewhereAndBackOff()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Faults.FailNext("/v1/catalog/services", 429, ConsulTexts.ReadRateLimit);
        _server.Faults.FailNext("/v1/catalog/register", 503, ConsulTexts.WriteRateLimit);

        var read = await Assert.ThrowsAsync<ConsulRateLimitedException>(() => Client.GetServicesAsync(ConsulQuery.Default, ct));
        var write = await Assert.ThrowsAsync<ConsulRateLimitedException>(() => Client.RegisterAsync(Registration("n1", "orders", "orders-1"), ct));

        Assert.Equal((429, ConsulRetryClass.RetryElsewhere, false), (read.StatusCode, read.RetryClass, read.IsLeaderLimit));
        Assert.Equal((503, ConsulRetryClass.BackOff, true), (write.StatusCode, write.RetryClass, write.IsLeaderLimit));
        Assert.Equal(ConsulTexts.ReadRateLimit, read.ServerMessage);
    }

    [Fact]
    public async Task Acls_DenialNotFoundAndFiltering_AreReportedPrecisely()
    {
        var ct = TestContext.Current.CancellationToken;
        await Client.RegisterAsync(Registration("n1", "billing", "billing-1"), ct);
        await Client.RegisterAsync(Registration("n1", "emea-orders", "emea-orders-1"), ct);
        _server.AclsEnabled = true;
        _server.AddToken("s3cr3t-token", "6a1253d2-1785-24fd-91c2-f8e78c745511",
            AclRule.NodePrefix(string.Empty, AclLevel.Read), AclRule.ServicePrefix("emea-", AclLevel.Read));
        using var limited = ConsulTestClient.Create(_server.Address, _time, o => o.Token = "s3cr3t-token");
        using var unknown = ConsulTestClient.Create(_server.Address, _time, o => o.Token = "deleted-token");

        var denied = await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => limited.Client.RegisterAsync(Registration("meshinterop-emea", "emea-orders", "emea-orders-2"), ct));
        var notFound = await Assert.ThrowsAsync<ConsulAccessDeniedException>(() => unknown.Client.GetServicesAsync(ConsulQuery.Default, ct));
        var filtered = await limited.Client.GetServicesAsync(ConsulQuery.Default, ct);

        Assert.Equal(("node:write", "meshinterop-emea", false, ConsulRetryClass.StopAndAlert), (denied.Permission, denied.Resource, denied.IsTokenNotFound, denied.RetryClass));
        Assert.True(notFound.IsTokenNotFound);
        Assert.True(filtered.Meta.ResultsFilteredByAcls);
        Assert.Equal("deny", filtered.Meta.DefaultAclPolicy);
        Assert.Equal(["emea-orders"], filtered.Value.Keys);

        // The token travels only in the header, never in the query string (it would end up in logs).
        Assert.All(_server.Requests, r => Assert.DoesNotContain("token", r.Query, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(_server.Requests, r => r.TokenHeader == "s3cr3t-token");
        Assert.DoesNotContain(limited.Logger.Collector.GetSnapshot(), r => r.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Txn_AclDenial_Is409WithAccessDeniedAndNothingApplied()
    {
        var ct = TestContext.Current.CancellationToken;
        await Client.RegisterAsync(Registration("meshinterop-emea", "emea-orders", "emea-orders-1"), ct);
        _server.AclsEnabled = true;
        _server.AddToken("writer", "accessor-writer", AclRule.NodePrefix("meshinterop-", AclLevel.Write), AclRule.ServicePrefix("emea-", AclLevel.Write));
        using var writer = ConsulTestClient.Create(_server.Address, _time, o => o.Token = "writer");

        var conflict = await Assert.ThrowsAsync<ConsulTransactionConflictException>(() => writer.Client.TransactAsync(
        [
            new TxnOp { Service = new TxnServiceOp { Verb = "set", Node = "meshinterop-emea", Service = new AgentService { ID = "emea-billing-1", Service = "emea-billing", Port = 1 } } },
            new TxnOp { Service = new TxnServiceOp { Verb = "set", Node = "meshinterop-emea", Service = new AgentService { ID = "apac-x", Service = "apac-x", Port = 1 } } },
        ], ct));

        Assert.True(conflict.IsAccessDenied);
        Assert.Equal(ConsulRetryClass.StopAndAlert, conflict.RetryClass);
        Assert.Equal(1, Assert.Single(conflict.Errors).OperationIndex);
        _server.AddManagementToken("root");
        using var admin = ConsulTestClient.Create(_server.Address, _time, o => o.Token = "root");
        Assert.False((await admin.Client.GetServicesAsync(ConsulQuery.Default, ct)).Value.ContainsKey("emea-billing"));
    }

    [Fact]
    public async Task TokenFile_RotatedAfterAclNotFound_IsReReadAndRequestRetriedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var tokenFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, "old-token\n", ct);
            _server.AclsEnabled = true;
            _server.AddToken("new-token", "accessor-new", AclRule.ServicePrefix(string.Empty, AclLevel.Read), AclRule.NodePrefix(string.Empty, AclLevel.Read));
            using var rotating = ConsulTestClient.Create(_server.Address, _time, o => o.TokenFile = tokenFile);
            await File.WriteAllTextAsync(tokenFile, "new-token\n", ct);

            var services = await rotating.Client.GetServicesAsync(ConsulQuery.Default, ct);
            _server.AddToken("newer-token", "accessor-newer", AclRule.NodePrefix(string.Empty, AclLevel.Write), AclRule.ServicePrefix(string.Empty, AclLevel.Write));
            await File.WriteAllTextAsync(tokenFile, "newer-token\n", ct);
            _server.RemoveToken("new-token");
            var registered = await rotating.Client.RegisterAsync(Registration("n1", "orders", "orders-1"), ct);

            Assert.True(registered);
            Assert.Contains("consul", services.Value.Keys);
            Assert.Equal(["old-token", "new-token"], _server.Requests.Where(r => r.Path == "/v1/catalog/services").Skip(1).Select(r => r.TokenHeader));
            Assert.Equal(["new-token", "newer-token"], _server.Requests.Where(r => r.Path == "/v1/catalog/register").Select(r => r.TokenHeader));
            Assert.Contains(rotating.Logger.Collector.GetSnapshot(), r => r.Id.Name == "TokenReloaded");
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task AntiEntropy_RemovesCatalogWritesOnAgentNodes_NotOnSyntheticNodes()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.AddAgentNode("app-07", "10.20.0.7");
        _server.AddAgentService("app-07", "billing-7", "billing", 9090);
        await Client.RegisterAsync(Registration("app-07", "emea-orders", "emea-orders-wrong-node"), ct);
        await Client.RegisterAsync(Registration("meshinterop-emea", "emea-orders", "emea-orders-1"), ct);

        _server.RunAntiEntropy();

        var rows = await Client.GetServiceAsync("emea-orders", ConsulQuery.Default, ct);
        Assert.Equal(["meshinterop-emea"], rows.Value.Select(r => r.Node));
        Assert.Single((await Client.GetServiceAsync("billing", ConsulQuery.Default, ct)).Value);
    }

    [Fact]
    public async Task Enterprise_ConfiguredNamespace_IsSentOnlyAfterDetection()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Edition = DoubleEdition.Enterprise;
        using var enterprise = ConsulTestClient.Create(_server.Address, _time, o =>
        {
            o.Namespace = "payments";
            o.Partition = "default";
        });

        Assert.Equal(ConsulEdition.Enterprise, await enterprise.Client.DetectEditionAsync(ct));
        await enterprise.Client.RegisterAsync(Registration("n1", "billing", "billing-1"), ct);
        var inNamespace = await enterprise.Client.GetServiceAsync("billing", ConsulQuery.Default, ct);
        var everywhere = await enterprise.Client.GetServicesAsync(new ConsulQuery { Namespace = "*" }, ct);

        Assert.Equal("payments", Assert.Single(inNamespace.Value).Namespace);
        Assert.Contains("consul", everywhere.Value.Keys);
        Assert.Contains(_server.Requests, r => r.Path == "/v1/catalog/service/billing" && r.Query.Contains("ns=payments&partition=default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CommunityEdition_NeverSendsTenancy_AndRejectsConfiguredNamespace()
    {
        var ct = TestContext.Current.CancellationToken;
        using var misconfigured = ConsulTestClient.Create(_server.Address, _time, o => o.Namespace = "payments");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => misconfigured.Client.DetectEditionAsync(ct));
        await Client.GetServicesAsync(ConsulQuery.Default, ct);

        Assert.Contains("Community Edition", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConsulEdition.Community, Client.Edition);
        Assert.All(_server.Requests.Where(r => r.Path != "/v1/catalog/services" || !r.Query.Contains("ns=default&stale", StringComparison.Ordinal)),
            r => Assert.DoesNotContain("ns=", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EditionChanged_NamespaceRejected_ResetsDetectedEdition()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Edition = DoubleEdition.Enterprise;
        using var enterprise = ConsulTestClient.Create(_server.Address, _time, o => o.Namespace = "payments");
        await enterprise.Client.DetectEditionAsync(ct);
        _server.Edition = DoubleEdition.Community;

        var error = await Assert.ThrowsAsync<ConsulEditionMismatchException>(() => enterprise.Client.GetServicesAsync(ConsulQuery.Default, ct));

        Assert.Equal(ConsulRetryClass.BackOff, error.RetryClass);
        Assert.Null(enterprise.Client.Edition);
    }

    [Fact]
    public async Task SlowAnswer_PastRequestTimeout_IsUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Faults.DelayNext("/v1/catalog/services", TimeSpan.FromHours(1));
        var pending = Client.GetServicesAsync(ConsulQuery.Default, ct);
        await _server.WaitForRequestsAsync("/v1/catalog/services", 2, ct);

        _time.Advance(_test.Options.RequestTimeout);

        var error = await Assert.ThrowsAsync<ConsulUnavailableException>(() => pending);
        Assert.Contains("deadline of 10 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(ConsulRetryClass.BackOff, error.RetryClass);
    }

    [Fact]
    public async Task BlockingQuery_Deadline_IsWaitPlusJitterPlusMargin()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await Client.GetServicesAsync(ConsulQuery.Default, ct);
        _server.Faults.DelayNext("/v1/catalog/services", TimeSpan.FromHours(1));
        var pending = Client.GetServicesAsync(new ConsulQuery { Index = first.Meta.LastIndex, Wait = TimeSpan.FromSeconds(160) }, ct);
        await _server.WaitForRequestsAsync("/v1/catalog/services", 3, ct);

        // 160 s + 160/16 s + 5 s = 175 s: one tick earlier the request is still waiting.
        _time.Advance(TimeSpan.FromSeconds(175) - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        var error = await Assert.ThrowsAsync<ConsulUnavailableException>(() => pending);
        Assert.Contains("deadline of 175 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("wait=160s", _server.Requests[^1].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DroppedLongPoll_IsUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await Client.GetServicesAsync(ConsulQuery.Default, ct);
        _server.Faults.DropNext("/v1/catalog/services");

        var error = await Assert.ThrowsAsync<ConsulUnavailableException>(() =>
            Client.GetServicesAsync(new ConsulQuery { Index = first.Meta.LastIndex }, ct));

        Assert.False(error.MayHaveBeenApplied);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task TruncatedBody_IsUnavailable()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Faults.TruncateNext("/v1/catalog/services");

        var error = await Assert.ThrowsAsync<ConsulUnavailableException>(() => Client.GetServicesAsync(ConsulQuery.Default, ct));

        // The reset may overtake the half body in the socket, so either symptom is a truncated answer.
        Assert.True(error.Message.Contains("cut off", StringComparison.Ordinal) || error.Message.Contains("connection failed", StringComparison.Ordinal), error.Message);
        Assert.Equal(ConsulRetryClass.BackOff, error.RetryClass);
    }

    [Fact]
    public async Task AmbiguousWrite_AppliedThen500_IsMayHaveBeenApplied()
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Faults.FailAfterApplyNext("/v1/catalog/register");

        var error = await Assert.ThrowsAsync<ConsulServerException>(() => Client.RegisterAsync(Registration("n1", "orders", "orders-1"), ct));

        Assert.True(error.MayHaveBeenApplied);
        Assert.Single((await Client.GetServiceAsync("orders", ConsulQuery.Default, ct)).Value);
        Assert.True(await Client.RegisterAsync(Registration("n1", "orders", "orders-1"), ct));
    }

    [Fact]
    public async Task OversizedAnswer_IsResponseTooLarge()
    {
        var ct = TestContext.Current.CancellationToken;
        await Client.RegisterAsync(Registration("n1", "big", "big-1", metaBytes: 80 * 1024), ct);
        using var small = ConsulTestClient.Create(_server.Address, _time, o => o.MaxResponseBytes = 64 * 1024);

        var error = await Assert.ThrowsAsync<ConsulResponseTooLargeException>(() => small.Client.GetHealthServiceAsync("big", ConsulQuery.Default, ct));

        Assert.Equal((64 * 1024L, ConsulRetryClass.StopAndAlert), (error.Limit, error.RetryClass));
    }

    [Fact]
    public async Task RequestMetrics_RecordDurationInSecondsAndErrorsByRetryClass()
    {
        var ct = TestContext.Current.CancellationToken;
        using var duration = new MetricCollector<double>(_test.MeterFactory, ConsulTelemetry.Name, "meshinterop.consul.request.duration");
        using var errors = new MetricCollector<long>(_test.MeterFactory, ConsulTelemetry.Name, "meshinterop.consul.request.errors");
        _server.Faults.FailNext("/v1/catalog/services", 429, ConsulTexts.ReadRateLimit);

        await Assert.ThrowsAsync<ConsulRateLimitedException>(() => Client.GetServicesAsync(ConsulQuery.Default, ct));
        await Client.GetServicesAsync(ConsulQuery.Default, ct);

        Assert.Equal("s", duration.Instrument!.Unit);
        Assert.Equal(2, duration.GetMeasurementSnapshot().Count);
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.Equal("/v1/catalog/services", m.Tags["meshinterop.consul.route"]));
        var error = Assert.Single(errors.GetMeasurementSnapshot());
        Assert.Equal("RetryElsewhere", error.Tags["meshinterop.consul.retry_class"]);
    }

    [Fact]
    public async Task TransactAsync_TooManyOperations_IsRejectedBeforeSending()
    {
        var ops = Enumerable.Range(0, 65).Select(i => new TxnOp { KV = new TxnKvOp { Verb = "get", Key = "k" + i } }).ToList();
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.TransactAsync(ops, TestContext.Current.CancellationToken));
        Assert.Equal("operations", error.ParamName);
        Assert.Equal(0, _server.RequestCount("/v1/txn"));
    }

    [Fact]
    public async Task SessionTtlLapses_LockIsReleasedAndLockDelayApplies()
    {
        var ct = TestContext.Current.CancellationToken;
        var holder = await Client.CreateSessionAsync(new SessionRequest { Name = "a", TTL = "10s", LockDelay = "15s", NodeChecks = [] }, ct);
        var contender = await Client.CreateSessionAsync(new SessionRequest { Name = "b", TTL = "60s", LockDelay = "15s", NodeChecks = [] }, ct);
        Assert.True(await Client.PutKeyAsync("meshinterop/leader/mi-test", Encoding.UTF8.GetBytes("a"), null, holder, null, ct));

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Null(await Client.RenewSessionAsync(holder, ct));
        Assert.Null((await Client.GetKeyAsync("meshinterop/leader/mi-test", ConsulQuery.Default, ct)).Value!.Session);
        Assert.False(await Client.PutKeyAsync("meshinterop/leader/mi-test", Encoding.UTF8.GetBytes("b"), null, contender, null, ct));
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(await Client.PutKeyAsync("meshinterop/leader/mi-test", Encoding.UTF8.GetBytes("b"), null, contender, null, ct));
        Assert.Equal(2UL, (await Client.GetKeyAsync("meshinterop/leader/mi-test", ConsulQuery.Default, ct)).Value!.LockIndex);
    }

    [Fact]
    public async Task UnsupportedFilter_FailsLoudlyWith400()
    {
        var error = await Assert.ThrowsAsync<ConsulBadRequestException>(() =>
            Client.GetHealthServiceAsync("orders", new ConsulQuery { Filter = "Service.Port > 80" }, TestContext.Current.CancellationToken));
        Assert.Equal(ConsulRetryClass.Bug, error.RetryClass);
    }

    [Theory]
    [InlineData(DoubleEdition.Community)]
    [InlineData(DoubleEdition.Enterprise)]
    public async Task PeeredServices_LiveInTheirOwnStore_AndBothImportedShapesDecode(DoubleEdition edition)
    {
        var ct = TestContext.Current.CancellationToken;
        _server.Edition = edition;
        using var client = ConsulTestClient.Create(_server.Address, _time);
        await client.Client.DetectEditionAsync(ct);
        _server.AddPeeredInstance("west-dc", "west-node-1", "billing-1", "billing", 9090, "warning");

        var local = await client.Client.GetHealthServiceAsync("billing", ConsulQuery.Default, ct);
        var peered = await client.Client.GetHealthServiceAsync("billing", new ConsulQuery { Peer = "west-dc" }, ct);
        var imported = await client.Client.GetImportedServicesAsync(ConsulQuery.Default, ct);

        Assert.Empty(local.Value);
        var entry = Assert.Single(peered.Value);
        Assert.Equal(("west-dc", "west-dc"), (entry.Service!.PeerName, entry.Node!.PeerName));
        Assert.Equal("billing-1:overall-check", Assert.Single(entry.Checks!).CheckID);
        var service = Assert.Single(imported.Value);
        Assert.Equal(("billing", "west-dc"), (service.Service, service.SourcePeer));
        Assert.Equal(edition == DoubleEdition.Enterprise ? "default" : null, service.Partition);
    }

    [Fact]
    public async Task ExportedServicesView_ResolvesWildcardAndConsumers()
    {
        var ct = TestContext.Current.CancellationToken;
        await Client.RegisterAsync(Registration("n1", "billing", "billing-1"), ct);
        await Client.RegisterAsync(Registration("n1", "orders", "orders-1"), ct);
        await Client.SetConfigEntryAsync(new ConfigEntry
        {
            Kind = "exported-services",
            Name = "default",
            Fields = new()
            {
                ["Services"] = System.Text.Json.JsonSerializer.SerializeToElement(new object[]
                {
                    new { Name = "billing", Consumers = new[] { new { Peer = "meshinterop-emea" } } },
                    new { Name = "*", Consumers = new[] { new { Peer = "west-dc" } } },
                }),
            },
        }, cas: null, ct);

        var view = await Client.GetExportedServicesAsync(ConsulQuery.Default, ct);

        Assert.Equal(["billing", "orders"], view.Value!.Select(v => v.Service));
        Assert.Equal(["meshinterop-emea", "west-dc"], view.Value![0].Consumers!.Peers);
        Assert.Equal(["west-dc"], view.Value![1].Consumers!.Peers);
    }
}
