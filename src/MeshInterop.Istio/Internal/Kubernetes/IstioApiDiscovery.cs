using System.Net;
using System.Text.Json;
using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Internal.Kubernetes;

/// <summary>
/// Picks the API version of each Istio kind from the API server's discovery documents: <c>v1</c> if
/// <c>GET /apis/&lt;group&gt;/v1</c> lists the kind's plural, else <c>v1beta1</c> if that list does, else unsupported.
/// The group's version list is not enough: Istio 1.20 serves <c>security.istio.io/v1</c> for AuthorizationPolicy
/// but not for PeerAuthentication. Results are cached per connection; <see cref="Invalidate"/> forgets a group after
/// a 404 on one of its kinds (an Istio upgrade or downgrade underneath the adapter).
/// </summary>
internal sealed class IstioApiDiscovery(k8s.Kubernetes client)
{
    // Discovery documents are small; a larger answer is not one.
    private const int MaxDocumentBytes = 4 * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<string>?> _plurals = new(StringComparer.Ordinal);

    /// <summary>Returns the version to use for a kind, or <see langword="null"/> when the cluster serves neither.</summary>
    public async Task<IstioApiVersion?> ResolveAsync(IstioResourceType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        foreach (var version in (IstioApiVersion[])[IstioApiVersion.V1, IstioApiVersion.V1Beta1])
        {
            var plurals = await GetPluralsAsync(type.Group, IstioResourceType.VersionName(version), cancellationToken).ConfigureAwait(false);
            if (plurals?.Contains(type.Plural) == true)
                return version;
        }

        return null;
    }

    /// <summary>Resolves every kind the adapter emits.</summary>
    public async Task<IReadOnlyDictionary<IstioResourceType, IstioApiVersion?>> ResolveAllAsync(CancellationToken cancellationToken)
    {
        var result = new Dictionary<IstioResourceType, IstioApiVersion?>();
        foreach (var type in IstioResourceType.All)
            result[type] = await ResolveAsync(type, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Forgets the cached discovery of a kind's group, so the next resolve asks the server again.</summary>
    public void Invalidate(IstioResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            foreach (var key in _plurals.Keys.Where(k => k.StartsWith(type.Group + "/", StringComparison.Ordinal)).ToList())
                _plurals.Remove(key);
        }
    }

    private async Task<HashSet<string>?> GetPluralsAsync(string group, string version, CancellationToken cancellationToken)
    {
        var key = group + "/" + version;
        lock (_gate)
        {
            if (_plurals.TryGetValue(key, out var cached))
                return cached;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri.ToString().TrimEnd('/') + "/apis/" + key));
        request.Headers.Accept.ParseAdd("application/json");
        if (client.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

        HashSet<string>? plurals;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            plurals = null;
        }
        else
        {
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"API discovery of {key} failed with HTTP {(int)response.StatusCode}.", null, response.StatusCode);
            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
                throw new InvalidDataException($"API discovery document of {key} exceeds {MaxDocumentBytes} bytes.");
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length > MaxDocumentBytes)
                throw new InvalidDataException($"API discovery document of {key} exceeds {MaxDocumentBytes} bytes.");
            using var document = JsonDocument.Parse(bytes);
            plurals = new HashSet<string>(StringComparer.Ordinal);
            if (document.RootElement.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array)
            {
                foreach (var resource in resources.EnumerateArray())
                {
                    // Subresources ("serviceentries/status") are listed too; only the plain plural counts.
                    if (resource.TryGetProperty("name", out var name) && name.GetString() is { } plural && !plural.Contains('/', StringComparison.Ordinal))
                        plurals.Add(plural);
                }
            }
        }

        lock (_gate)
            _plurals[key] = plurals;
        return plurals;
    }
}
