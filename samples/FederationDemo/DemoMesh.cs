using System.Net;
using System.Net.Sockets;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Federation;
using MeshInterop.Federation.FileRegistry;
using MeshInterop.Identity;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>
/// One mesh in the demo: its development CA, and its federation agent hosted as any ASP.NET Core user hosts it
/// (<c>AddMeshFederation()</c>, <c>UseFileRegistry()</c>, <c>ListenMeshFederation()</c>, <c>MapMeshFederation()</c>),
/// with the mesh's services in a registry file and its imports in another, in a directory of its own.
/// </summary>
internal sealed class DemoMesh : IAsyncDisposable
{
    private static readonly CatalogFileReadOptions ImportsFile = new()
    {
        Validation = new CatalogValidationOptions { Mode = CatalogValidationMode.Lenient },
        AllowImported = true,
    };

    private readonly TextWriter _output;
    private readonly DateTimeOffset _now;
    private DemoMesh? _peer;
    private WebApplication? _agent;
    private DemoLoggerProvider? _logs;

    public DemoMesh(string name, string trustDomain, string style, string root, IReadOnlyList<int> ports, TextWriter output, DateTimeOffset now)
    {
        Name = name;
        Style = style;
        _output = output;
        _now = now;
        Ca = new DevelopmentCa(trustDomain, now);
        TrustDomain = TrustDomain.Parse(trustDomain);
        AgentId = SpiffeId.Parse($"spiffe://{trustDomain}/meshinterop/agent");
        AgentSvid = new InMemoryX509SvidSource(X509Svid.Create(Ca.IssueSvid(AgentId.Path.ToString(), now)));
        Directory = Path.Combine(root, name);
        System.IO.Directory.CreateDirectory(Directory);

        // Peers must know each other's addresses before either starts; a restarted agent keeps its ports.
        FederationPort = ports[0];
        BundlePort = ports[1];
        IngressPort = ports[2];
    }

    public string Name { get; }

    public string Style { get; }

    public DevelopmentCa Ca { get; }

    public TrustDomain TrustDomain { get; }

    public SpiffeId AgentId { get; }

    public InMemoryX509SvidSource AgentSvid { get; }

    public string Directory { get; }

    public string RegistryPath => Path.Combine(Directory, "registry.json");

    public string ImportsPath => Path.Combine(Directory, "imports.json");

    public int FederationPort { get; }

    public int BundlePort { get; }

    public int IngressPort { get; }

    public Uri FederationAddress => new($"https://127.0.0.1:{FederationPort}");

    public Uri BundleEndpoint => new($"https://127.0.0.1:{BundlePort}/meshinterop/bundle");

    public IMeshFederationStatus Status => (_agent ?? throw new InvalidOperationException($"The agent of '{Name}' is not running.")).Services.GetRequiredService<IMeshFederationStatus>();

    public void FederateWith(DemoMesh peer) => _peer = peer;

    /// <summary>Starts the agent: the federation listener (SPIFFE mTLS) and the bundle endpoint listener (https_spiffe).</summary>
    public async Task StartAgentAsync(CancellationToken cancellationToken)
    {
        var peer = _peer ?? throw new InvalidOperationException("Call FederateWith first.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        _logs = new DemoLoggerProvider(_output, Name);
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<IX509SvidSource>(AgentSvid);
        builder.Services.AddMeshFederation(options =>
        {
            options.MeshName = Name;
            options.TrustDomain = TrustDomain.ToString();
            options.ListenEndpoint = $"127.0.0.1:{FederationPort}";
            options.BundleListenEndpoint = $"127.0.0.1:{BundlePort}";
            options.TrustBundle.Pem = Ca.Certificate.ExportCertificatePem();
            options.Envelope = HamletEnvelope.V1Alpha2;
            options.Exports.Allow.Add(new() { Names = { "*" } });

            var federated = new MeshFederationPeerOptions
            {
                Name = peer.Name,
                Address = peer.FederationAddress.ToString(),
                TrustDomain = peer.TrustDomain.ToString(),
                AgentSpiffeId = peer.AgentId.ToString(),
            };

            // The peer's CA, handed over once out of band, only bootstraps the first retrieval: from then on the
            // agent takes the peer's bundle from the peer's SPIFFE bundle endpoint, authenticated as its agent.
            federated.TrustBundle.Pem = peer.Ca.Certificate.ExportCertificatePem();
            federated.BundleEndpoint.Url = peer.BundleEndpoint.ToString();
            federated.BundleEndpoint.Profile = "https_spiffe";
            federated.BundleEndpoint.EndpointSpiffeId = peer.AgentId.ToString();
            options.Peers.Add(federated);
        }).UseFileRegistry(files =>
        {
            files.ServicesPath = RegistryPath;
            files.ImportsPath = ImportsPath;
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenMeshFederation());
        _agent = builder.Build();
        _agent.MapMeshFederation();
        await _agent.StartAsync(cancellationToken);
    }

    /// <summary>Stops the agent as a process stop would: its streams end, peers keep their imports and retry.</summary>
    public async Task StopAgentAsync()
    {
        if (_agent is null)
        {
            return;
        }

        await _agent.StopAsync(CancellationToken.None);
        await _agent.DisposeAsync();
        _agent = null;
    }

    /// <summary>Stops showing the agent's log events; the peer going away at the end is no news.</summary>
    public void Mute()
    {
        if (_logs is not null)
        {
            _logs.Muted = true;
        }
    }

    /// <summary>Replaces the registry file, as an operator or a registration script would.</summary>
    public Task WriteRegistryAsync(IEnumerable<CatalogEntry> services, CancellationToken cancellationToken) =>
        CatalogFile.WriteAsync(RegistryPath, services, cancellationToken);

    /// <summary>A service of this mesh, reached through its ingress, as the registry file lists it.</summary>
    public CatalogEntry Service(string name, string ingressAddress = "127.0.0.1") => new()
    {
        Key = new ServiceKey(name),
        Name = name,
        Fqdn = $"{name}.{TrustDomain}",
        SubjectAlternativeNames = [$"spiffe://{TrustDomain}/ns/default/sa/{name}"],
        Endpoints = [new CatalogEndpoint { Address = ingressAddress, Port = IngressPort, Labels = ["ingress"] }],
        Instances = [new CatalogInstance { Id = name + "-v1", Protocol = "HTTP", EndpointSelector = ["ingress"] }],
        Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "HTTP" }],
    };

    /// <summary>Issues a workload SVID of this mesh (development material).</summary>
    public X509Svid WorkloadSvid(string serviceAccount) =>
        X509Svid.Create(Ca.IssueSvid($"/ns/default/sa/{serviceAccount}", _now));

    /// <summary>The import view as the file sink wrote it.</summary>
    public async Task<IReadOnlyList<CatalogEntry>> ReadImportsAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ImportsPath))
        {
            return [];
        }

        var result = await CatalogFile.ReadAsync(ImportsPath, ImportsFile, cancellationToken);
        result.ThrowIfInvalid();
        return result.Entries;
    }

    /// <summary>Waits until the imports file satisfies <paramref name="condition"/>, woken by every change of the file.</summary>
    public async Task<IReadOnlyList<CatalogEntry>> WaitForImportsAsync(Func<IReadOnlyList<CatalogEntry>, bool> condition, string description, CancellationToken cancellationToken)
    {
        using var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Directory, Path.GetFileName(ImportsPath)) { EnableRaisingEvents = true };
        watcher.Created += (_, _) => changed.Release();
        watcher.Changed += (_, _) => changed.Release();
        watcher.Renamed += (_, _) => changed.Release();
        try
        {
            while (true)
            {
                var imports = await ReadImportsAsync(cancellationToken);
                if (condition(imports))
                {
                    return imports;
                }

                await changed.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Mesh '{Name}' never reached: {description}.");
        }
    }

    /// <summary>
    /// Free loopback ports, all different: every listener stays open until all are taken, since a port released at
    /// once may be handed out again by the next request.
    /// </summary>
    public static int[] ReservePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAgentAsync();
        Ca.Dispose();
    }
}
