using System.Text.Json;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Consul.Tests.Internal.Import;

/// <summary>The optional config entries for imports, written by the sink through the double: ownership, merging and removal.</summary>
public sealed class ConsulImportConfigWriterTests : IAsyncLifetime
{
    private const string Owner = "mi-test";
    private FakeConsulServer _server = null!;
    private ConsulTestClient _test = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ConsulHttpClient Client => _test.Client;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync(null, Ct);
        _test = ConsulTestClient.Create(_server.Address);
        await Client.DetectEditionAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _test.Dispose();
        await _server.DisposeAsync();
    }

    private ConsulImportSink Sink(Action<ConsulImportOptions> configure)
    {
        var options = new ConsulImportOptions { OwnerId = Owner };
        configure(options);
        return new ConsulImportSink(Client, options, _test.Metrics, NullLogger<ConsulImportSink>.Instance,
            new ConsulImportConfigWriter(Client, options, NullLogger<ConsulImportConfigWriter>.Instance));
    }

    private async Task<ConfigEntry?> EntryAsync(string kind, string name) => (await Client.GetConfigEntryAsync(kind, name, ConsulQuery.Default, Ct)).Value;

    private static List<JsonElement> Items(ConfigEntry entry, string field) => [.. entry.Fields![field].EnumerateArray()];

    private Task<bool> PutAsync(string kind, string name, string field, object value, Dictionary<string, string>? meta = null) =>
        Client.SetConfigEntryAsync(new ConfigEntry { Kind = kind, Name = name, Meta = meta, Fields = new() { [field] = JsonSerializer.SerializeToElement(value) } }, cas: null, Ct);

    [Fact]
    public async Task ServiceDefaults_WrittenPerImportAndRemovedWithIt_ForeignEntryUntouched()
    {
        await PutAsync("service-defaults", "emea-billing", "Protocol", "grpc");
        using var sink = Sink(o => o.WriteServiceDefaults = true);
        var orders = Imports.Entry("emea", "orders");

        await sink.ReconcileAsync(Imports.Snapshot(orders, Imports.Entry("emea", "billing")), Ct);

        var defaults = (await EntryAsync("service-defaults", "emea-orders"))!;
        Assert.Equal("http", defaults.Fields!["Protocol"].GetString());
        Assert.Equal(("meshinterop", Owner), (defaults.Meta!["managed-by"], defaults.Meta["meshinterop-owner"]));
        Assert.Equal("grpc", (await EntryAsync("service-defaults", "emea-billing"))!.Fields!["Protocol"].GetString());

        await sink.ApplyAsync(Imports.Removed(orders), Ct);

        Assert.Null(await EntryAsync("service-defaults", "emea-orders"));
        Assert.NotNull(await EntryAsync("service-defaults", "emea-billing"));
    }

    [Fact]
    public async Task TerminatingGateway_LinksImportsWithTlsAndSni_KeepsOtherItems()
    {
        await PutAsync("terminating-gateway", "edge-tgw", "Services", new[] { new { Name = "legacy-db", CAFile = "/etc/legacy/ca.pem" } });
        using var sink = Sink(o =>
        {
            o.TerminatingGateway = "edge-tgw";
            o.GatewayTls["emea"] = new ConsulGatewayTlsOptions { CaFile = "/etc/meshinterop/emea/ca.pem", CertFile = "/etc/meshinterop/emea/client.pem", KeyFile = "/etc/meshinterop/emea/client-key.pem" };
        });
        var orders = Imports.Entry("emea", "orders");

        await sink.ReconcileAsync(Imports.Snapshot(orders, Imports.Entry("apac", "orders")), Ct);

        var items = Items((await EntryAsync("terminating-gateway", "edge-tgw"))!, "Services").ToDictionary(i => i.GetProperty("Name").GetString()!);
        Assert.Equal(["apac-orders", "emea-orders", "legacy-db"], items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("orders.emea.mesh.example", items["emea-orders"].GetProperty("SNI").GetString());
        Assert.Equal("/etc/meshinterop/emea/client-key.pem", items["emea-orders"].GetProperty("KeyFile").GetString());
        Assert.False(items["apac-orders"].TryGetProperty("CAFile", out _));
        Assert.Equal("/etc/legacy/ca.pem", items["legacy-db"].GetProperty("CAFile").GetString());

        await sink.ApplyAsync(Imports.Removed(orders), Ct);

        var after = Items((await EntryAsync("terminating-gateway", "edge-tgw"))!, "Services").Select(i => i.GetProperty("Name").GetString());
        Assert.Equal(["legacy-db", "apac-orders"], after);
    }

    [Fact]
    public async Task ServiceResolverAlias_ExistsOnlyWhileItsImportDoes_NeverOverwritesAForeignResolver()
    {
        await PutAsync("service-resolver", "billing", "Redirect", new { Service = "billing-v2" });
        using var sink = Sink(o =>
        {
            o.ServiceResolverAliases["orders"] = "emea-orders";
            o.ServiceResolverAliases["billing"] = "emea-billing";
        });
        var orders = Imports.Entry("emea", "orders");

        await sink.ApplyAsync(Imports.Added(orders, Imports.Entry("emea", "billing")), Ct);

        Assert.Equal("emea-orders", (await EntryAsync("service-resolver", "orders"))!.Fields!["Redirect"].GetProperty("Service").GetString());
        Assert.Equal("billing-v2", (await EntryAsync("service-resolver", "billing"))!.Fields!["Redirect"].GetProperty("Service").GetString());

        await sink.ApplyAsync(Imports.Removed(orders), Ct);

        Assert.Null(await EntryAsync("service-resolver", "orders"));
        Assert.NotNull(await EntryAsync("service-resolver", "billing"));
    }

    [Fact]
    public async Task Intentions_AllowConfiguredCallers_KeepSourcesOfOthers()
    {
        await PutAsync("service-intentions", "emea-orders", "Sources", new[] { new { Name = "audit", Action = "allow" } });
        using var sink = Sink(o => o.IntentionSources.Add("checkout"));
        var orders = Imports.Entry("emea", "orders");
        var billing = Imports.Entry("emea", "billing");

        await sink.ReconcileAsync(Imports.Snapshot(orders, billing), Ct);

        var sources = Items((await EntryAsync("service-intentions", "emea-orders"))!, "Sources");
        Assert.Equal(["audit", "checkout"], sources.Select(s => s.GetProperty("Name").GetString()));
        Assert.Equal("managed-by=meshinterop owner=mi-test", sources[1].GetProperty("Description").GetString());
        Assert.Equal("allow", sources[1].GetProperty("Action").GetString());
        Assert.Equal("meshinterop", (await EntryAsync("service-intentions", "emea-billing"))!.Meta!["managed-by"]);

        await sink.ReconcileAsync(Imports.Snapshot(), Ct);

        Assert.Equal(["audit"], Items((await EntryAsync("service-intentions", "emea-orders"))!, "Sources").Select(s => s.GetProperty("Name").GetString()));
        Assert.Null(await EntryAsync("service-intentions", "emea-billing"));
    }

    [Fact]
    public async Task SyncAsync_NothingToChange_WritesNothing()
    {
        using var sink = Sink(o =>
        {
            o.WriteServiceDefaults = true;
            o.TerminatingGateway = "edge-tgw";
            o.IntentionSources.Add("checkout");
        });
        var desired = Imports.Snapshot(Imports.Entry("emea", "orders"));
        await sink.ReconcileAsync(desired, Ct);
        var writes = _server.Requests.Count(r => r.Method is "PUT" or "DELETE" && r.Path.StartsWith("/v1/config", StringComparison.Ordinal));

        await sink.ReconcileAsync(desired, Ct);

        Assert.Equal(writes, _server.Requests.Count(r => r.Method is "PUT" or "DELETE" && r.Path.StartsWith("/v1/config", StringComparison.Ordinal)));
    }
}
