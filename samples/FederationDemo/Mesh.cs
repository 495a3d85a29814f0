using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Resync;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Owner;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>
/// One mesh's federation control plane in miniature: its own catalog, a Hamlet owner on Kestrel with SPIFFE
/// mTLS that exports it to the peer's agent, and a consumer that imports the peer's catalog into an import
/// view under prefixed local names.
/// </summary>
internal sealed class Mesh : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private WebApplication? _server;
    private HamletOwner? _owner;
    private GrpcChannel? _channel;
    private TaskCompletionSource _importsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Mesh(string name, DevelopmentCa ca, IBundleSource bundles, DateTimeOffset now)
    {
        Name = name;
        TrustDomain = TrustDomain.Parse(ca.TrustDomain);
        Agent = SpiffeId.Parse($"spiffe://{ca.TrustDomain}/meshinterop/agent");
        Svids = new InMemoryX509SvidSource(X509Svid.Create(ca.IssueSvid(Agent.Path.ToString(), now)));
        Validator = new X509SvidValidator(bundles);
        ImportView = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, TimeProvider.System);
        Sessions = new ImportSessions(ImportView, new ImportSessionOptions(), TimeProvider.System, _ => SignalImports());
    }

    public string Name { get; }

    public TrustDomain TrustDomain { get; }

    public SpiffeId Agent { get; }

    public InMemoryX509SvidSource Svids { get; }

    public X509SvidValidator Validator { get; }

    public CatalogStore Store { get; } = new();

    public ImportView ImportView { get; }

    public ImportSessions Sessions { get; }

    public Uri? Address { get; private set; }

    public HamletConsumer? Consumer { get; private set; }

    /// <summary>Starts the owner, exporting everything to <paramref name="peerName"/>'s agent only.</summary>
    public async Task StartOwnerAsync(string peerName, SpiffeId peerAgent, int port, CancellationToken cancellationToken)
    {
        // TLS admits the peer's trust domain; the Hamlet authorizer then names the one agent allowed to
        // subscribe, so a stranger gets a clear PermissionDenied instead of a broken handshake.
        var tls = new SpiffeTls(Svids, Validator, SpiffeAuthorizer.MemberOf(peerAgent.TrustDomain));
        _owner = new HamletOwner(Store.Local, new AgentAuthorizer(tls, peerName, peerAgent), new HamletOwnerOptions(), TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseSpiffeMtls(tls);
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_owner);
        _server = builder.Build();
        _server.MapGrpcService<HamletOwnerV1Alpha1Service>();
        _server.MapGrpcService<HamletOwnerV1Alpha2Service>();
        await _server.StartAsync(cancellationToken);
        Address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>Stops the owner as a crashed or restarted agent would: streams end and peers retry.</summary>
    public async Task StopOwnerAsync()
    {
        _owner?.BeginShutdown();
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
            _server = null;
        }

        _owner?.Dispose();
        _owner = null;
    }

    /// <summary>Subscribes to the peer's owner, verifying that it is the peer's agent.</summary>
    public async Task StartConsumerAsync(string peerName, Uri peerAddress, SpiffeId peerAgent, CancellationToken cancellationToken)
    {
        var tls = new SpiffeTls(Svids, Validator, SpiffeAuthorizer.Exact(peerAgent));
        _channel = GrpcChannel.ForAddress(peerAddress, new GrpcChannelOptions { HttpHandler = tls.CreateHttpHandler(HamletConsumerChannel.ConfigureKeepAlive) });
        Consumer = new HamletConsumer(
            new HamletConsumerOptions { PeerName = peerName, Envelope = HamletEnvelope.V1Alpha2, InitialReconnectDelay = TimeSpan.FromSeconds(1), MaxReconnectDelay = TimeSpan.FromSeconds(2) },
            _channel.CreateCallInvoker(),
            new CatalogImportHandler(Sessions),
            TimeProvider.System);
        Consumer.StatusChanged += (_, _) => SignalImports();
        await Consumer.StartAsync(cancellationToken);
    }

    /// <summary>Waits until the import view satisfies <paramref name="condition"/>, re-checking on every change.</summary>
    public async Task WaitForImportsAsync(Func<IReadOnlyList<CatalogEntry>, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _importsChanged.Task;
            }

            if (condition(ImportView.GetEntries()))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Mesh '{Name}' did not reach the expected import state; its consumer reports {Consumer?.Status}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Consumer is not null)
        {
            await Consumer.DisposeAsync();
        }

        await StopOwnerAsync();
        _channel?.Dispose();
        Sessions.Dispose();
    }

    private void SignalImports()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _importsChanged;
            _importsChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private sealed class AgentAuthorizer(SpiffeTls tls, string peerName, SpiffeId peerAgent) : IHamletPeerAuthorizer
    {
        private readonly ExportFilter _exports = ExportAll(peerName);

        public HamletPeerAuthorization Authorize(ServerCallContext context)
        {
            var stream = context.GetHttpContext().Features.Get<ISslStreamFeature>()?.SslStream;
            if (stream is null || !tls.TryGetPeer(stream, out var peer) || peer is null || !peer.IsValid)
            {
                return HamletPeerAuthorization.Unauthenticated("No verified SPIFFE client certificate.");
            }

            return peer.SpiffeId == peerAgent
                ? HamletPeerAuthorization.Allow(peerName, _exports)
                : HamletPeerAuthorization.PermissionDenied($"'{peer.SpiffeId}' is not the agent of peer '{peerName}'.");
        }

        private static ExportFilter ExportAll(string peer)
        {
            var policy = new ExportPolicyOptions();
            var everything = new ExportRule();
            everything.Names.Add("*");
            policy.Allow.Add(everything);
            return ExportFilter.Create(peer, policy);
        }
    }
}
