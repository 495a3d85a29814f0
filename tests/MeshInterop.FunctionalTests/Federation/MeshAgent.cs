using System.Net;
using MeshInterop.Catalog;
using MeshInterop.Catalog.InMemory;
using MeshInterop.Federation;
using MeshInterop.Federation.Internal;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using MeshInterop.Testing.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.FunctionalTests.Federation;

/// <summary>
/// One mesh's federation agent hosted the way an ASP.NET Core user hosts it: <c>AddMeshFederation()</c>,
/// <c>ListenMeshFederation()</c> (real SPIFFE mTLS on 127.0.0.1) plus a plain admin listener, and
/// <c>MapMeshFederation()</c>, with an in-memory source and sink standing in for the mesh registry.
/// </summary>
internal sealed class MeshAgent : IAsyncDisposable
{
    private WebApplication? _app;

    public MeshAgent(string name, TestCertificateAuthority? authority = null, InMemoryCatalogSink? sink = null, Func<InMemoryCatalogSink, ICatalogSink>? wrapSink = null)
    {
        Sink = sink ?? new InMemoryCatalogSink();
        SinkService = wrapSink?.Invoke(Sink) ?? Sink;
        Name = name;
        TrustDomain = name + ".example";
        Authority = authority ?? TestCertificateAuthority.CreateRoot(TrustDomain);
        Svids = new InMemoryX509SvidSource(X509Svid.Create(Authority.IssueSvid(FederationAgent.DefaultAgentPath).Leaf));
        FederationPort = LoopbackPorts.Reserve(1)[0];
        AdminPort = LoopbackPorts.Reserve(1)[0];
    }

    public string Name { get; }

    public string TrustDomain { get; }

    public string AgentId => $"spiffe://{TrustDomain}{FederationAgent.DefaultAgentPath}";

    public TestCertificateAuthority Authority { get; }

    public InMemoryX509SvidSource Svids { get; }

    public InMemoryCatalogSource Source { get; } = new();

    public InMemoryCatalogSink Sink { get; }

    public ICatalogSink SinkService { get; }

    public Action<IServiceCollection> ConfigureServices { get; set; } = _ => { };

    public int FederationPort { get; }

    public int AdminPort { get; }

    public string Address => $"https://127.0.0.1:{FederationPort}";

    public Action<MeshFederationOptions> Configure { get; set; } = _ => { };

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    public IMeshFederationStatus Status => Services.GetRequiredService<IMeshFederationStatus>();

    /// <summary>Adds <paramref name="peer"/> as a peer, trusting its CA statically and exporting everything to it.</summary>
    public MeshAgent Peer(MeshAgent peer, Action<MeshFederationPeerOptions>? configure = null)
    {
        var previous = Configure;
        Configure = options =>
        {
            previous(options);
            var entry = new MeshFederationPeerOptions { Name = peer.Name, Address = peer.Address, TrustDomain = peer.TrustDomain, AgentSpiffeId = peer.AgentId };
            entry.TrustBundle.Pem = peer.Authority.Certificate.ExportCertificatePem();
            configure?.Invoke(entry);
            options.Peers.Add(entry);
        };
        return this;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IX509SvidSource>(Svids);
        builder.Services.AddSingleton<ICatalogSource>(Source);
        builder.Services.AddSingleton(SinkService);
        ConfigureServices(builder.Services);
        builder.Services.AddMeshFederation(options =>
        {
            options.MeshName = Name;
            options.TrustDomain = TrustDomain;
            options.ListenEndpoint = $"127.0.0.1:{FederationPort}";
            options.Exports.Allow.Add(new() { Names = { "*" } });
            Configure(options);
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenMeshFederation();
            kestrel.Listen(IPAddress.Loopback, AdminPort);
        });
        _app = builder.Build();
        _app.MapMeshFederation();
        _app.MapHealthChecks("/healthz");
        await _app.StartAsync(cancellationToken);
    }

    /// <summary>Stops the agent as a process stop would: peers' streams end with <c>Unavailable</c> and they retry.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
            return;
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _app = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Waits until the sink satisfies <paramref name="condition"/>, re-checking on every change.</summary>
    public async Task WaitForSinkAsync(Func<CatalogSnapshot, bool> condition, string description)
    {
        using var reader = Sink.Subscribe();
        var cancellation = TestContext.Current.CancellationToken;
        while (!condition(Sink.Current))
        {
            try
            {
                while (reader.TryRead(out _))
                {
                }

                if (condition(Sink.Current))
                    return;
                await reader.WaitToReadAsync(cancellation);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Mesh '{Name}' never reached: {description}. Sink holds [{string.Join(", ", Sink.Current.Keys)}]; peers: {Describe()}.");
            }
        }
    }

    /// <summary>Waits until the status satisfies <paramref name="condition"/>, re-checking on every change.</summary>
    public async Task WaitForStatusAsync(Func<IMeshFederationStatus, bool> condition, string description)
    {
        var status = Status;
        var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, EventArgs e) => changed.Release();
        status.Changed += OnChanged;
        try
        {
            while (!condition(status))
                await changed.WaitAsync(TestContext.Current.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Mesh '{Name}' never reached: {description}; peers: {Describe()}.");
        }
        finally
        {
            status.Changed -= OnChanged;
        }
    }

    private string Describe() => _app is null ? "stopped" : string.Join("; ", Status.Peers.Select(p => $"{p.Name} {p.State} {p.LastError}"));
}
