using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;

namespace MeshInterop.Consul.Tests.Contract;

/// <summary>
/// A Consul the contract suite runs against: the in-process double, or a real server. Every name a test creates starts
/// with <see cref="Prefix"/> (unique per run) and is removed when the fixture is disposed.
/// </summary>
public abstract class ConsulBackendFixture : IAsyncLifetime
{
    private ConsulTestClient? _client;

    /// <summary>Gets the reason the backend is unavailable, or null when tests can run.</summary>
    public string? SkipReason { get; protected set; }

    public string Prefix { get; } = "ct" + Guid.NewGuid().ToString("N")[..8] + "-";

    internal ConsulHttpClient Client => (_client ?? throw new InvalidOperationException(SkipReason ?? "Not initialised.")).Client;

    internal ConsulEdition Edition { get; private set; }

    internal MeshInterop.Consul.Telemetry.ConsulMetrics Metrics => (_client ?? throw new InvalidOperationException(SkipReason ?? "Not initialised.")).Metrics;

    public abstract bool IsDouble { get; }

    protected abstract Uri? Address { get; }

    protected virtual string? Token => null;

    protected virtual string? CaCertificateFile => null;

    protected virtual void ConfigureClient(ConsulClientOptions options)
    {
    }

    public virtual async ValueTask InitializeAsync()
    {
        if (SkipReason is not null || Address is null)
        {
            return;
        }

        _client = ConsulTestClient.Create(Address, configure: o =>
        {
            o.Token = Token;
            o.CaCertificateFile = CaCertificateFile;
            o.AllowPlaintextHttp = true;
            ConfigureClient(o);
        });
        Edition = await _client.Client.DetectEditionAsync(CancellationToken.None);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await CleanUpAsync(_client.Client);
            _client.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Sends a raw request, for what the typed client refuses to send on purpose (65 operations, bad parameters).</summary>
    internal async Task<(int Status, string Body)> SendRawAsync(HttpMethod method, string pathAndQuery, string? json, CancellationToken cancellationToken)
    {
        Assert.SkipWhen(SkipReason is not null, SkipReason ?? string.Empty);
        using var http = new HttpClient(ConsulHttpHandlerFactory.Create(_client!.Options));
        using var request = new HttpRequestMessage(method, new Uri(Address!, pathAndQuery));
        if (Token is not null)
        {
            request.Headers.Add("X-Consul-Token", Token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private async Task CleanUpAsync(ConsulHttpClient client)
    {
        try
        {
            var services = await client.GetServicesAsync(ConsulQuery.Default, CancellationToken.None);
            foreach (var name in services.Value.Keys.Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
            {
                var rows = await client.GetServiceAsync(name, ConsulQuery.Default, CancellationToken.None);
                foreach (var node in rows.Value.Select(r => r.Node).Distinct(StringComparer.Ordinal))
                {
                    await client.DeregisterAsync(new CatalogDeregistration { Node = node, ServiceID = rows.Value.First(r => r.Node == node).ServiceID }, CancellationToken.None);
                }
            }

            foreach (var node in CreatedNodes)
            {
                await client.DeregisterAsync(new CatalogDeregistration { Node = node }, CancellationToken.None);
            }

            foreach (var kind in new[] { "service-defaults", "service-intentions" })
            {
                var entries = await client.ListConfigEntriesAsync(kind, ConsulQuery.Default, CancellationToken.None);
                foreach (var entry in entries.Value.Where(e => e.Name.StartsWith(Prefix, StringComparison.Ordinal)))
                {
                    await client.DeleteConfigEntryAsync(kind, entry.Name, null, CancellationToken.None);
                }
            }

            foreach (var key in CreatedKeys)
            {
                await client.DeleteKeyAsync(key, null, CancellationToken.None);
            }

            foreach (var session in CreatedSessions)
            {
                await client.DestroySessionAsync(session, CancellationToken.None);
            }
        }
        catch (ConsulException)
        {
            // Clean-up is best effort; a failing server already failed the tests that matter.
        }
    }

    internal List<string> CreatedNodes { get; } = [];

    internal List<string> CreatedKeys { get; } = [];

    internal List<string> CreatedSessions { get; } = [];

    internal string Name(string suffix) => Prefix + suffix;

    internal static string Invariant(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The in-process double playing Community Edition, started fresh for the class.</summary>
public class DoubleBackendFixture : ConsulBackendFixture
{
    private FakeConsulServer? _server;

    public override bool IsDouble => true;

    protected override Uri? Address => _server?.Address;

    protected virtual DoubleEdition ServerEdition => DoubleEdition.Community;

    public override async ValueTask InitializeAsync()
    {
        _server = await FakeConsulServer.StartAsync(null, CancellationToken.None);
        _server.Edition = ServerEdition;
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The double playing Enterprise, with the client sending its namespace and partition on every request.</summary>
public sealed class DoubleEnterpriseBackendFixture : DoubleBackendFixture
{
    protected override DoubleEdition ServerEdition => DoubleEdition.Enterprise;

    protected override void ConfigureClient(ConsulClientOptions options)
    {
        options.Namespace = "default";
        options.Partition = "default";
    }
}

/// <summary>A real Consul at <c>CONSUL_HTTP_ADDR</c> (token from <c>CONSUL_HTTP_TOKEN</c>); skipped with a visible reason when unset.</summary>
public sealed class RealConsulBackendFixture : ConsulBackendFixture
{
    private readonly Uri? _address;

    public RealConsulBackendFixture()
    {
        var address = Environment.GetEnvironmentVariable("CONSUL_HTTP_ADDR");
        if (string.IsNullOrWhiteSpace(address))
        {
            SkipReason = "CONSUL_HTTP_ADDR is not set; set it (and CONSUL_HTTP_TOKEN if ACLs are on) to run the contract suite against a real Consul.";
            return;
        }

        _address = new Uri(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address, UriKind.Absolute);
    }

    public override bool IsDouble => false;

    protected override Uri? Address => _address;

    protected override string? Token => Environment.GetEnvironmentVariable("CONSUL_HTTP_TOKEN") is { Length: > 0 } token ? token : null;

    protected override string? CaCertificateFile => Environment.GetEnvironmentVariable("CONSUL_CACERT") is { Length: > 0 } file ? file : null;
}
