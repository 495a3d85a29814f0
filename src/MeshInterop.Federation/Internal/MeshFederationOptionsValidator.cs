using System.Globalization;
using System.Net;
using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Naming;
using MeshInterop.Identity;
using MeshInterop.Identity.X509;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// Checks every rule of <see cref="MeshFederationOptions"/> at start-up and reports all problems at once, each
/// prefixed with its configuration path, so an operator can fix a configuration file in one pass.
/// </summary>
internal sealed class MeshFederationOptionsValidator(string sectionPath, IServiceProviderIsService? services) : IValidateOptions<MeshFederationOptions>
{
    internal const string HttpsSpiffe = "https_spiffe";
    internal const string HttpsWeb = "https_web";

    public ValidateOptionsResult Validate(string? name, MeshFederationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal List<string> Collect(MeshFederationOptions options)
    {
        var errors = new List<string>();
        void Error(string path, string message) => errors.Add($"{sectionPath}:{path}: {message}");

        if (!IsDnsLabel(options.MeshName))
            Error(nameof(options.MeshName), $"'{options.MeshName}' must be a DNS label: 1 to 63 lower-case letters, digits or '-', not starting or ending with '-'.");

        var haveTrustDomain = TryTrustDomain(options.TrustDomain, nameof(options.TrustDomain), Error, out var trustDomain);
        if (options.AgentSpiffeId is { } agent)
            CheckSpiffeId(agent, haveTrustDomain ? trustDomain : null, nameof(options.AgentSpiffeId), Error);

        var svid = options.Svid;
        if (svid.CertificatePath is null != svid.PrivateKeyPath is null)
        {
            Error($"{nameof(options.Svid)}:{(svid.CertificatePath is null ? nameof(svid.CertificatePath) : nameof(svid.PrivateKeyPath))}", "set both CertificatePath and PrivateKeyPath, or neither and register an IX509SvidSource.");
        }
        else if (svid.CertificatePath is null)
        {
            if (services is not null && !services.IsService(typeof(IX509SvidSource)))
                Error(nameof(options.Svid), "no agent SVID: set Svid:CertificatePath and Svid:PrivateKeyPath, or register an IX509SvidSource in the service collection.");
        }
        else
        {
            CheckFile(svid.CertificatePath, $"{nameof(options.Svid)}:{nameof(svid.CertificatePath)}", Error);
            CheckFile(svid.PrivateKeyPath!, $"{nameof(options.Svid)}:{nameof(svid.PrivateKeyPath)}", Error);
        }

        if (svid.PollInterval <= TimeSpan.Zero)
            Error($"{nameof(options.Svid)}:{nameof(svid.PollInterval)}", $"{svid.PollInterval} must be positive.");

        if (haveTrustDomain)
            CheckBundle(options.TrustBundle, trustDomain, nameof(options.TrustBundle), Error);

        CheckEndpoint(options.ListenEndpoint, nameof(options.ListenEndpoint), Error);
        if (options.BundleListenEndpoint is { } bundleListen)
            CheckEndpoint(bundleListen, nameof(options.BundleListenEndpoint), Error);
        CheckPath(options.BundleEndpointPath, nameof(options.BundleEndpointPath), Error);
        CheckPath(options.StatusPath, nameof(options.StatusPath), Error);
        if (string.Equals(options.BundleEndpointPath, options.StatusPath, StringComparison.Ordinal))
            Error(nameof(options.StatusPath), $"'{options.StatusPath}' is also the bundle endpoint path.");
        if (options.BundleRefreshHint <= TimeSpan.Zero || options.BundleRefreshHint.Ticks % TimeSpan.TicksPerSecond != 0)
            Error(nameof(options.BundleRefreshHint), $"{options.BundleRefreshHint} must be a positive whole number of seconds.");

        CheckExports(options.Exports, nameof(options.Exports), Error);
        CheckNaming(options.ImportNaming, nameof(options.ImportNaming), Error);
        if (!Enum.IsDefined(options.ImportCollisions))
            Error(nameof(options.ImportCollisions), $"{options.ImportCollisions} is not a collision policy.");
        if (options.DisconnectedTtl < TimeSpan.Zero)
            Error(nameof(options.DisconnectedTtl), $"{options.DisconnectedTtl} must not be negative; leave it unset to keep imports forever.");
        if (options.SnapshotGracePeriod <= TimeSpan.Zero)
            Error(nameof(options.SnapshotGracePeriod), $"{options.SnapshotGracePeriod} must be positive.");
        if (options.MaxImportsPerPeer <= 0)
            Error(nameof(options.MaxImportsPerPeer), $"{options.MaxImportsPerPeer} must be positive.");
        if (options.LeaderResyncTimeout <= TimeSpan.Zero)
            Error(nameof(options.LeaderResyncTimeout), $"{options.LeaderResyncTimeout} must be positive.");

        CheckProtocol(options.Protocol, Error);
        CheckPeers(options, haveTrustDomain ? trustDomain : null, Error);
        return errors;
    }

    private static void CheckProtocol(MeshFederationProtocolOptions protocol, Action<string, string> error)
    {
        const string P = nameof(MeshFederationOptions.Protocol);
        if (protocol.AckTimeout <= TimeSpan.Zero)
            error($"{P}:{nameof(protocol.AckTimeout)}", $"{protocol.AckTimeout} must be positive.");
        if (protocol.MaxWindow is < 1 or > Protocol.MeshInteropHeaders.MaxWindow)
            error($"{P}:{nameof(protocol.MaxWindow)}", $"{protocol.MaxWindow} must be between 1 and {Protocol.MeshInteropHeaders.MaxWindow}.");
        if (protocol.Window is < 1 or > Protocol.MeshInteropHeaders.MaxWindow)
            error($"{P}:{nameof(protocol.Window)}", $"{protocol.Window} must be between 1 and {Protocol.MeshInteropHeaders.MaxWindow}.");
        if (protocol.MaxStreamsPerPeer < 1)
            error($"{P}:{nameof(protocol.MaxStreamsPerPeer)}", $"{protocol.MaxStreamsPerPeer} must be at least 1.");
        if (protocol.InitialReconnectDelay < TimeSpan.FromSeconds(1))
            error($"{P}:{nameof(protocol.InitialReconnectDelay)}", $"{protocol.InitialReconnectDelay} must be at least 1 second (Hamlet R14).");
        if (protocol.MaxReconnectDelay < protocol.InitialReconnectDelay)
            error($"{P}:{nameof(protocol.MaxReconnectDelay)}", $"{protocol.MaxReconnectDelay} must be at least InitialReconnectDelay ({protocol.InitialReconnectDelay}).");
        if (protocol.MaxReceiveMessageSize is < 64 * 1024 or > 64 * 1024 * 1024)
            error($"{P}:{nameof(protocol.MaxReceiveMessageSize)}", $"{protocol.MaxReceiveMessageSize} must be between 65536 (64 KiB) and 67108864 (64 MiB).");
    }

    private static void CheckPeers(MeshFederationOptions options, TrustDomain? local, Action<string, string> error)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var byTrustDomain = new Dictionary<TrustDomain, List<int>>();
        for (var i = 0; i < options.Peers.Count; i++)
        {
            var peer = options.Peers[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{nameof(options.Peers)}:{i}");
            if (peer is null)
            {
                error(at, "the peer is empty.");
                continue;
            }

            if (!IsDnsLabel(peer.Name))
                error($"{at}:{nameof(peer.Name)}", $"'{peer.Name}' must be a DNS label: 1 to 63 lower-case letters, digits or '-', not starting or ending with '-'.");
            else if (!names.TryAdd(peer.Name, i))
                error($"{at}:{nameof(peer.Name)}", $"'{peer.Name}' is also the name of peer {names[peer.Name].ToString(CultureInfo.InvariantCulture)}.");

            CheckHttpsUri(peer.Address, $"{at}:{nameof(peer.Address)}", required: true, error);

            TrustDomain? peerDomain = null;
            if (TryTrustDomain(peer.TrustDomain, $"{at}:{nameof(peer.TrustDomain)}", error, out var parsed))
            {
                if (local == parsed)
                    error($"{at}:{nameof(peer.TrustDomain)}", $"'{parsed}' is this mesh's own trust domain; a peer must be another trust domain.");
                else
                    peerDomain = parsed;
            }

            if (peerDomain is { } domain)
            {
                if (!byTrustDomain.TryGetValue(domain, out var sharing))
                    byTrustDomain[domain] = sharing = [];
                sharing.Add(i);
            }

            if (peer.AgentSpiffeId is { } agent)
                CheckSpiffeId(agent, peerDomain, $"{at}:{nameof(peer.AgentSpiffeId)}", error);

            var bundlePath = $"{at}:{nameof(peer.TrustBundle)}";
            var hasStatic = TrustBundleLoader.IsConfigured(peer.TrustBundle);
            if (peerDomain is { } bundleDomain)
                CheckBundle(peer.TrustBundle, bundleDomain, bundlePath, error);
            CheckBundleEndpoint(peer, peerDomain, hasStatic, $"{at}:{nameof(peer.BundleEndpoint)}", error);
            if (!hasStatic && peer.BundleEndpoint.Url is null)
                error(bundlePath, "the peer has no trust bundle: set TrustBundle (Pem, PemFile, Json or JsonFile) or BundleEndpoint:Url.");

            if (peer.Exports is { } exports)
                CheckExports(exports, $"{at}:{nameof(peer.Exports)}", error);
            if (peer.ImportNaming is { } naming)
                CheckNaming(naming, $"{at}:{nameof(peer.ImportNaming)}", error, peer.Name);
            if (peer.DisconnectedTtl < TimeSpan.Zero)
                error($"{at}:{nameof(peer.DisconnectedTtl)}", $"{peer.DisconnectedTtl} must not be negative; leave it unset to keep imports forever.");
        }

        // Two peers in one trust domain are told apart only by their agent IDs.
        foreach (var (domain, indexes) in byTrustDomain)
        {
            if (indexes.Count < 2)
                continue;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var i in indexes)
            {
                var id = options.Peers[i].AgentSpiffeId;
                var at = string.Create(CultureInfo.InvariantCulture, $"{nameof(options.Peers)}:{i}:{nameof(MeshFederationPeerOptions.AgentSpiffeId)}");
                if (id is null)
                    error(at, $"required: several peers share the trust domain '{domain}', so each must name its agent's SPIFFE ID.");
                else if (!seen.Add(id))
                    error(at, $"'{id}' is also the agent ID of another peer.");
            }
        }
    }

    private static void CheckBundleEndpoint(MeshFederationPeerOptions peer, TrustDomain? peerDomain, bool hasStatic, string at, Action<string, string> error)
    {
        var endpoint = peer.BundleEndpoint;
        if (endpoint.Url is null)
        {
            if (endpoint.Profile is not null || endpoint.EndpointSpiffeId is not null)
                error($"{at}:{nameof(endpoint.Url)}", "required when Profile or EndpointSpiffeId is set.");
            return;
        }

        CheckHttpsUri(endpoint.Url, $"{at}:{nameof(endpoint.Url)}", required: true, error);
        switch (endpoint.Profile)
        {
            case HttpsWeb:
                if (endpoint.EndpointSpiffeId is not null)
                    error($"{at}:{nameof(endpoint.EndpointSpiffeId)}", "only the https_spiffe profile authenticates the endpoint by SPIFFE ID; remove it or use https_spiffe.");
                break;
            case HttpsSpiffe:
                if (endpoint.EndpointSpiffeId is null)
                {
                    error($"{at}:{nameof(endpoint.EndpointSpiffeId)}", "required with the https_spiffe profile.");
                }
                else if (SpiffeId.TryParse(endpoint.EndpointSpiffeId, out var id))
                {
                    if (peerDomain == id.TrustDomain && !hasStatic)
                        error($"{at}:{nameof(endpoint.EndpointSpiffeId)}", $"'{id}' is in the peer's own trust domain, so the first retrieval needs a bootstrap bundle: set the peer's TrustBundle.");
                }
                else
                {
                    error($"{at}:{nameof(endpoint.EndpointSpiffeId)}", $"'{endpoint.EndpointSpiffeId}' is not a valid SPIFFE ID.");
                }

                break;
            case null:
                error($"{at}:{nameof(endpoint.Profile)}", $"required with Url: '{HttpsSpiffe}' or '{HttpsWeb}' (never inferred).");
                break;
            default:
                error($"{at}:{nameof(endpoint.Profile)}", $"'{endpoint.Profile}' is not a profile: use '{HttpsSpiffe}' or '{HttpsWeb}'.");
                break;
        }
    }

    private static void CheckBundle(MeshFederationTrustBundleOptions bundle, TrustDomain trustDomain, string at, Action<string, string> error)
    {
        var count = TrustBundleLoader.Count(bundle);
        if (count > 1)
        {
            error(at, "set only one of Pem, PemFile, Json and JsonFile.");
            return;
        }

        if (count == 1 && !TrustBundleLoader.TryLoad(bundle, trustDomain, out _, out var property, out var problem))
            error($"{at}:{property}", problem!);
    }

    private static void CheckExports(ExportPolicyOptions exports, string at, Action<string, string> error)
    {
        try
        {
            _ = ExportFilter.Create("validation", exports);
        }
        catch (ArgumentException ex)
        {
            error(at, ex.Message);
        }
    }

    // Peer naming is checked as that peer's entry: only there may it carry an alias.
    private static void CheckNaming(ImportNamingOptions naming, string at, Action<string, string> error, string? peer = null)
    {
        try
        {
            _ = peer is null
                ? new ImportNamingPolicy(naming)
                : new ImportNamingPolicy(new ImportNamingOptions(), new Dictionary<string, ImportNamingOptions>(StringComparer.Ordinal) { [peer.Length == 0 ? "peer" : peer] = naming });
        }
        catch (ArgumentException ex)
        {
            error(at, ex.Message);
        }
    }

    private static bool TryTrustDomain(string? value, string at, Action<string, string> error, out TrustDomain trustDomain)
    {
        if (string.IsNullOrEmpty(value))
        {
            error(at, "required, for example 'mesh-a.example'.");
            trustDomain = default;
            return false;
        }

        if (!TrustDomain.TryParse(value, out trustDomain))
        {
            error(at, $"'{value}' is not a valid SPIFFE trust domain name (lower-case letters, digits, '.', '-', '_').");
            return false;
        }

        return true;
    }

    private static void CheckSpiffeId(string value, TrustDomain? expected, string at, Action<string, string> error)
    {
        if (!SpiffeId.TryParse(value, out var id))
            error(at, $"'{value}' is not a valid SPIFFE ID.");
        else if (expected is { } domain && id.TrustDomain != domain)
            error(at, $"'{id}' is not in the trust domain '{domain}'.");
    }

    private static void CheckEndpoint(string? value, string at, Action<string, string> error)
    {
        if (string.IsNullOrEmpty(value) || !IPEndPoint.TryParse(value, out var endpoint) || value.IndexOf(':', StringComparison.Ordinal) < 0)
            error(at, $"'{value}' must be an IP address and port, for example '0.0.0.0:15443' or '[::]:15443'.");
        else if (endpoint.Port is < 0 or > 65535)
            error(at, $"port {endpoint.Port} is outside 0-65535.");
    }

    private static void CheckPath(string? value, string at, Action<string, string> error)
    {
        if (string.IsNullOrEmpty(value) || value[0] != '/' || value.Contains('?', StringComparison.Ordinal) || value.Contains('#', StringComparison.Ordinal))
            error(at, $"'{value}' must be a path starting with '/', without query or fragment.");
    }

    private static void CheckHttpsUri(string? value, string at, bool required, Action<string, string> error)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
                error(at, "required: an https URI such as 'https://agent.mesh-b.example:15443'.");
            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
            error(at, $"'{value}' is not an absolute URI.");
        else if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
            error(at, $"'{value}' must use https: federation never falls back to plaintext.");
        else if (uri.UserInfo.Length > 0)
            error(at, $"'{value}' must not carry user information.");
    }

    private static void CheckFile(string path, string at, Action<string, string> error)
    {
        if (!File.Exists(path))
            error(at, $"the file '{path}' does not exist.");
    }

    internal static bool IsDnsLabel(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63 || value[0] == '-' || value[^1] == '-')
            return false;
        foreach (var c in value)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                return false;
        }

        return true;
    }
}
