using System.Collections.Immutable;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Naming;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Federation;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Owner;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// The pieces of one agent that live as long as the host: identity and trust, the catalog store, the Hamlet owner
/// serving the local catalog to every authorised peer, and the parsed peers. The hosted service drives them.
/// </summary>
internal sealed class FederationAgent : IDisposable
{
    public const string DefaultAgentPath = "/meshinterop/agent";

    private readonly FileX509SvidSource? _ownedSvids;

    public FederationAgent(
        IOptions<MeshFederationOptions> options,
        IServiceProvider services,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Options = options.Value;
        TimeProvider = timeProvider;
        LoggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        MeterFactory = meterFactory;
        TrustDomain = TrustDomain.Parse(Options.TrustDomain);
        AgentId = Options.AgentSpiffeId is { } agent ? SpiffeId.Parse(agent) : SpiffeId.FromPath(TrustDomain, DefaultAgentPath);

        if (Options.Svid.CertificatePath is { } certificate)
        {
            _ownedSvids = new FileX509SvidSource(
                new FileX509SvidSourceOptions { CertificatePath = certificate, PrivateKeyPath = Options.Svid.PrivateKeyPath, PollInterval = Options.Svid.PollInterval },
                timeProvider,
                LoggerFactory.CreateLogger<FileX509SvidSource>());
            Svids = _ownedSvids;
        }
        else
        {
            Svids = (IX509SvidSource?)services.GetService(typeof(IX509SvidSource))
                ?? throw new InvalidOperationException($"{MeshFederationOptions.SectionName}:Svid: no agent SVID; set Svid:CertificatePath and Svid:PrivateKeyPath, or register an IX509SvidSource.");
        }

        var peers = ImmutableArray.CreateBuilder<PeerDefinition>(Options.Peers.Count);
        var namingByPeer = new Dictionary<string, ImportNamingOptions>(StringComparer.Ordinal);
        var bundles = BundleSet.Empty;
        for (var i = 0; i < Options.Peers.Count; i++)
        {
            var peer = Options.Peers[i];
            var domain = TrustDomain.Parse(peer.TrustDomain);
            SpiffeBundle? staticBundle = null;
            if (TrustBundleLoader.IsConfigured(peer.TrustBundle))
            {
                if (!TrustBundleLoader.TryLoad(peer.TrustBundle, domain, out staticBundle, out var property, out var error))
                    throw new InvalidOperationException($"{MeshFederationOptions.SectionName}:Peers:{i}:TrustBundle:{property}: {error}");
                bundles = bundles.With(staticBundle!);
            }

            peers.Add(new PeerDefinition
            {
                Index = i,
                Name = peer.Name,
                Address = new Uri(peer.Address, UriKind.Absolute),
                TrustDomain = domain,
                AgentId = peer.AgentSpiffeId is { } id ? SpiffeId.Parse(id) : null,
                Exports = ExportFilter.Create(peer.Name, peer.Exports ?? Options.Exports),
                DisconnectedTtl = peer.DisconnectedTtl ?? Options.DisconnectedTtl,
                Consumer = new HamletConsumerOptions
                {
                    PeerName = peer.Name,
                    Envelope = peer.Envelope ?? Options.Envelope,
                    ResourceVersion = peer.ResourceVersion ?? Options.ResourceVersion,
                    Window = Options.Protocol.Window,
                    InitialReconnectDelay = Options.Protocol.InitialReconnectDelay,
                    MaxReconnectDelay = Options.Protocol.MaxReconnectDelay,
                    StopOnTlsAuthenticationFailure = Options.Protocol.StopOnTlsAuthenticationFailure,
                },
                BundleEndpoint = peer.BundleEndpoint.Url is { } url ? new BundleEndpointOptions
                {
                    TrustDomain = domain,
                    Url = new Uri(url, UriKind.Absolute),
                    Profile = string.Equals(peer.BundleEndpoint.Profile, MeshFederationOptionsValidator.HttpsSpiffe, StringComparison.Ordinal)
                        ? BundleEndpointProfile.HttpsSpiffe
                        : BundleEndpointProfile.HttpsWeb,
                    EndpointSpiffeId = peer.BundleEndpoint.EndpointSpiffeId is { } endpointId ? SpiffeId.Parse(endpointId) : default,
                    BootstrapBundle = staticBundle,
                } : null,
            });
            if (peer.ImportNaming is { } naming)
                namingByPeer[peer.Name] = naming;
        }

        Peers = peers.MoveToImmutable();
        Naming = new ImportNamingPolicy(Options.ImportNaming, namingByPeer);
        Bundles = new InMemoryBundleSource(bundles);
        Validator = new X509SvidValidator(Bundles, timeProvider: timeProvider);

        // TLS admits only members of a peer trust domain, each checked against that domain's own bundle; the Hamlet
        // authorizer then maps the verified ID to exactly one peer, so a stranger gets a clear PermissionDenied.
        ServerTls = new SpiffeTls(Svids, Validator, SpiffeAuthorizer.MemberOfAny(Peers.Select(p => p.TrustDomain)), LoggerFactory.CreateLogger<SpiffeTls>());
        Owner = new HamletOwner(
            Store.Local,
            new PeerAuthorizer(ServerTls, Peers),
            new HamletOwnerOptions
            {
                AckTimeout = Options.Protocol.AckTimeout,
                MaxWindow = Options.Protocol.MaxWindow,
                MaxStreamsPerPeer = Options.Protocol.MaxStreamsPerPeer,
            },
            timeProvider,
            LoggerFactory.CreateLogger<HamletOwner>(),
            meterFactory);
        LocalBundle = new LocalBundleProvider(Options.TrustBundle, TrustDomain, Options.BundleRefreshHint);

        var endpoints = Peers.Where(p => p.BundleEndpoint is not null).Select(p => p.BundleEndpoint!).ToArray();
        if (endpoints.Length > 0)
            Refresher = new FederatedBundleRefresher(Bundles, endpoints, timeProvider: timeProvider, loggerFactory: LoggerFactory, meterFactory: meterFactory);
    }

    public MeshFederationOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; }

    public TrustDomain TrustDomain { get; }

    public SpiffeId AgentId { get; }

    public IX509SvidSource Svids { get; }

    public InMemoryBundleSource Bundles { get; }

    public X509SvidValidator Validator { get; }

    public SpiffeTls ServerTls { get; }

    public CatalogStore Store { get; } = new();

    public HamletOwner Owner { get; }

    public ImmutableArray<PeerDefinition> Peers { get; }

    public ImportNamingPolicy Naming { get; }

    public LocalBundleProvider LocalBundle { get; }

    public FederatedBundleRefresher? Refresher { get; }

    /// <summary>Creates the TLS settings used to dial <paramref name="peer"/>: its server must be its agent, verified against its bundle.</summary>
    public SpiffeTls ClientTls(PeerDefinition peer) => new(
        Svids,
        Validator,
        peer.AgentId is { } agent ? SpiffeAuthorizer.Exact(agent) : SpiffeAuthorizer.MemberOf(peer.TrustDomain),
        LoggerFactory.CreateLogger<SpiffeTls>());

    public void Dispose()
    {
        Owner.Dispose();
        _ownedSvids?.Dispose();
    }
}
