using System.Diagnostics.Metrics;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace MeshInterop.Consul.Tests.TestSupport;

/// <summary>A client wired the way the package wires it (handler from the factory, infinite HttpClient timeout), plus its fakes.</summary>
internal sealed class ConsulTestClient : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly HttpClient _http;

    private ConsulTestClient(ConsulClientOptions options, TimeProvider timeProvider)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new ConsulMetrics(MeterFactory);
        _http = new HttpClient(ConsulHttpHandlerFactory.Create(options)) { Timeout = Timeout.InfiniteTimeSpan };
        Logger = new FakeLogger<ConsulHttpClient>();
        Client = new ConsulHttpClient(_http, options, timeProvider, Metrics, Logger);
        Options = options;
    }

    public ConsulHttpClient Client { get; }

    public ConsulClientOptions Options { get; }

    public IMeterFactory MeterFactory { get; }

    public ConsulMetrics Metrics { get; }

    public FakeLogger<ConsulHttpClient> Logger { get; }

    public static ConsulTestClient Create(Uri address, TimeProvider? timeProvider = null, Action<ConsulClientOptions>? configure = null)
    {
        var options = new ConsulClientOptions { Address = address };
        configure?.Invoke(options);
        return new ConsulTestClient(options, timeProvider ?? TimeProvider.System);
    }

    public void Dispose()
    {
        _http.Dispose();
        _services.Dispose();
    }
}
