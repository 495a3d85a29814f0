using System.Collections.Immutable;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// A federated service: everything Hamlet v1alpha1 and v1alpha2 carry, plus what adapters need and Hamlet lacks
/// (service ports, locality, health) and where the entry came from (<see cref="Origin"/>).
/// <para/>
/// Entries are immutable and compared by content, collections included. Sets (tags, protocols, endpoint and
/// selector labels) and lists without a meaningful order (endpoints, instances, ports) are kept in one canonical
/// ordinal order, so equal content is equal bytes everywhere downstream. <see cref="SubjectAlternativeNames"/>
/// keeps the order it was given, because the owner emits SANs exactly as supplied (reference section 7.4).
/// The content hash is computed once and cached; <c>with</c> expressions recompute it.
/// </summary>
public sealed record CatalogEntry
{
    private static readonly ulong ProcessHashKey = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(sizeof(ulong)));
    private static readonly IComparer<CatalogInstance> InstanceOrder = Comparer<CatalogInstance>.Create(CatalogInstance.Compare);

    // Fields most entries leave at their defaults live in one optional object, keeping the entry itself small.
    private readonly RareFields? _rare;
    private readonly ImmutableArray<string> _subjectAlternativeNames = [];
    private readonly ImmutableArray<CatalogEndpoint> _endpoints = [];
    private readonly ImmutableArray<CatalogInstance> _instances = [];
    private readonly ImmutableArray<ServicePort> _ports = [];
    private readonly CatalogOrigin _origin = CatalogOrigin.Local;

    // 0 = not computed yet. Racing threads compute the same value, so no synchronisation is needed.
    private ulong _contentHash;

    /// <summary>Initializes a new instance of the <see cref="CatalogEntry"/> class.</summary>
    public CatalogEntry()
    {
    }

    // A `with` expression goes through this copy constructor; it must not carry the cached hash over.
    private CatalogEntry(CatalogEntry original)
    {
        Key = original.Key;
        Name = original.Name;
        Fqdn = original.Fqdn;
        Labels = original.Labels;
        _rare = original._rare;
        _subjectAlternativeNames = original._subjectAlternativeNames;
        _endpoints = original._endpoints;
        _instances = original._instances;
        _ports = original._ports;
        _origin = original._origin;
    }

    /// <summary>Gets the key of the entry within its catalog (Hamlet G1 key, or the local name in the import view).</summary>
    public required ServiceKey Key { get; init; }

    /// <summary>Gets the service name: the v1alpha2 <c>name</c>, or the v1alpha1 display name.</summary>
    /// <value>The default value is the empty string.</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Name
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = string.Empty;

    /// <summary>Gets the fully qualified DNS name consumers use to reach the service.</summary>
    /// <value>The default value is the empty string (a v1alpha1 import without FQDN is stored but not projected).</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Fqdn
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = string.Empty;

    /// <summary>Gets the free-text description.</summary>
    /// <value>The default value is the empty string.</value>
    public string Description
    {
        get => _rare?.Description ?? string.Empty;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _rare = RareFields.With(_rare, r => r.Description = value);
        }
    }

    /// <summary>Gets the free-form tags, sorted ordinally without duplicates.</summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<string> Tags
    {
        get => _rare?.Tags ?? [];
        init
        {
            var tags = CanonicalOrder.SortedSet(value);
            _rare = RareFields.With(_rare, r => r.Tags = tags);
        }
    }

    /// <summary>Gets the free-form labels.</summary>
    /// <value>The default value is the empty map.</value>
    public StringMap Labels { get; init; }

    /// <summary>
    /// Gets the SANs for end-to-end identity (v1alpha2 <c>sans</c>; the v1alpha1 <c>san</c> as one element), in the
    /// order supplied. Use <c>SubjectAlternativeNames.Normalize</c> (in <c>MeshInterop.Catalog.Validation</c>) on import.
    /// </summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<string> SubjectAlternativeNames
    {
        get => _subjectAlternativeNames;
        init => _subjectAlternativeNames = CanonicalOrder.List(value);
    }

    /// <summary>
    /// Gets the v1alpha1 <c>protocols</c>, sorted without duplicates; known protocols in canonical upper case,
    /// others unchanged. v1alpha2 carries protocols per instance instead.
    /// </summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<string> Protocols
    {
        get => _rare?.Protocols ?? [];
        init
        {
            var protocols = CanonicalOrder.SortedSet(NormalizeProtocols(value));
            _rare = RareFields.With(_rare, r => r.Protocols = protocols);
        }
    }

    /// <summary>Gets the TLS SNI value consumers use (the v1alpha1 <c>id</c>); v1alpha2 carries it in instance metadata.</summary>
    /// <value>The default value is the empty string.</value>
    public string Sni
    {
        get => _rare?.Sni ?? string.Empty;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _rare = RareFields.With(_rare, r => r.Sni = value);
        }
    }

    /// <summary>Gets the entry points of the service, in canonical order (address, port, labels, description).</summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<CatalogEndpoint> Endpoints
    {
        get => _endpoints;
        init
        {
            _endpoints = CanonicalOrder.SortedValues(value, CatalogEndpoint.Compare);
            _instances = ShareSelectors(_instances, _endpoints);
        }
    }

    /// <summary>Gets the instances of the service, in canonical order (by ID first).</summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<CatalogInstance> Instances
    {
        get => _instances;
        init => _instances = ShareSelectors(CanonicalOrder.Sorted(value, InstanceOrder), _endpoints);
    }

    /// <summary>Gets the service ports, in canonical order (by number first).</summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<ServicePort> Ports
    {
        get => _ports;
        init => _ports = CanonicalOrder.SortedValues(value, ServicePort.Compare);
    }

    /// <summary>Gets where the service runs.</summary>
    /// <value>The default value is <see langword="null"/> (unknown).</value>
    public ServiceLocality? Locality
    {
        get => _rare?.Locality;
        init => _rare = RareFields.With(_rare, r => r.Locality = value);
    }

    /// <summary>Gets the aggregated health the registry reports.</summary>
    /// <value>The default value is <see cref="ServiceHealth.Unknown"/>.</value>
    public ServiceHealth Health
    {
        get => _rare?.Health ?? ServiceHealth.Unknown;
        init => _rare = RareFields.With(_rare, r => r.Health = value);
    }

    /// <summary>Gets where the entry came from.</summary>
    /// <value>The default value is <see cref="CatalogOrigin.Local"/>.</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public CatalogOrigin Origin
    {
        get => _origin;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _origin = value;
        }
    }

    /// <summary>
    /// Gets a 64-bit hash of the whole content, cached on first use. Equal entries have equal hashes; different
    /// hashes prove different content. The hash is keyed with a random per-process key, so a peer cannot craft two
    /// contents that collide; it differs between processes and must not be persisted.
    /// </summary>
    public ulong ContentHash
    {
        get
        {
            var hash = Volatile.Read(ref _contentHash);
            if (hash == 0)
            {
                hash = ComputeContentHash();
                Volatile.Write(ref _contentHash, hash);
            }

            return hash;
        }
    }

    /// <summary>
    /// Resolves the endpoints an instance is served through (R18, G19): every endpoint sharing at least one label
    /// with its selector; all endpoints when the selector is empty or matches nothing.
    /// </summary>
    /// <param name="instance">An instance of this service.</param>
    /// <returns>The endpoints, in canonical order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="instance"/> is <see langword="null"/>.</exception>
    public ImmutableArray<CatalogEndpoint> ResolveEndpoints(CatalogInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.EndpointSelector.IsEmpty)
        {
            return _endpoints;
        }

        ImmutableArray<CatalogEndpoint>.Builder? selected = null;
        foreach (var endpoint in _endpoints)
        {
            if (SortedSetsIntersect(endpoint.Labels, instance.EndpointSelector))
            {
                selected ??= ImmutableArray.CreateBuilder<CatalogEndpoint>();
                selected.Add(endpoint);
            }
        }

        return selected is null ? _endpoints : selected.DrainToImmutable();
    }

    /// <summary>
    /// Returns the endpoints no instance selects explicitly: kept in the model but routed by nothing when the
    /// service has instances (reference section 7.3 asks for a warning).
    /// </summary>
    /// <returns>The unselected endpoints; empty when the service has no instances or every endpoint is used.</returns>
    public ImmutableArray<CatalogEndpoint> GetUnselectedEndpoints()
    {
        if (_instances.IsEmpty)
        {
            return [];
        }

        var used = new bool[_endpoints.Length];
        foreach (var instance in _instances)
        {
            var matched = false;
            for (var i = 0; i < _endpoints.Length; i++)
            {
                if (!instance.EndpointSelector.IsEmpty && SortedSetsIntersect(_endpoints[i].Labels, instance.EndpointSelector))
                {
                    used[i] = matched = true;
                }
            }

            if (!matched)
            {
                Array.Fill(used, true);     // an empty or unmatched selector uses every endpoint
            }
        }

        var unused = ImmutableArray.CreateBuilder<CatalogEndpoint>();
        for (var i = 0; i < used.Length; i++)
        {
            if (!used[i])
            {
                unused.Add(_endpoints[i]);
            }
        }

        return unused.DrainToImmutable();
    }

    /// <summary>
    /// Derives the registry name of one instance (R17, reference section 7.3): <c>&lt;instance-label&gt;.&lt;fqdn&gt;</c>.
    /// </summary>
    /// <param name="instance">An instance of this service.</param>
    /// <returns>The name, or <see langword="null"/> when the FQDN is empty or the instance ID yields no usable label.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="instance"/> is <see langword="null"/>.</exception>
    public string? GetInstanceFqdn(CatalogInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (Fqdn.Length == 0)
        {
            return null;
        }

        var label = instance.GetDnsLabel();
        return label.Length == 0 ? null : string.Concat(label, ".", Fqdn);
    }

    /// <inheritdoc/>
    public bool Equals(CatalogEntry? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null)
        {
            return false;
        }

        // Cached hashes settle most inequalities without touching the content.
        var mine = Volatile.Read(ref _contentHash);
        var theirs = Volatile.Read(ref other._contentHash);
        if (mine != 0 && theirs != 0 && mine != theirs)
        {
            return false;
        }

        return Key == other.Key
            && Health == other.Health
            && string.Equals(Name, other.Name, StringComparison.Ordinal)
            && string.Equals(Fqdn, other.Fqdn, StringComparison.Ordinal)
            && string.Equals(Description, other.Description, StringComparison.Ordinal)
            && string.Equals(Sni, other.Sni, StringComparison.Ordinal)
            && CanonicalOrder.SequenceEqual(Tags, other.Tags)
            && Labels.Equals(other.Labels)
            && CanonicalOrder.SequenceEqual(_subjectAlternativeNames, other._subjectAlternativeNames)
            && CanonicalOrder.SequenceEqual(Protocols, other.Protocols)
            && CanonicalOrder.ValuesEqual(_endpoints, other._endpoints)
            && CanonicalOrder.SequenceEqual(_instances, other._instances)
            && CanonicalOrder.ValuesEqual(_ports, other._ports)
            && Equals(Locality, other.Locality)
            && _origin.Equals(other._origin);
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = ContentHash;
        return unchecked((int)hash ^ (int)(hash >> 32));
    }

    private static ImmutableArray<string> NormalizeProtocols(ImmutableArray<string> values)
    {
        if (values.IsDefaultOrEmpty)
        {
            return [];
        }

        var changed = false;
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            changed |= !ReferenceEquals(value, ServiceProtocols.Normalize(value));
        }

        return changed ? [.. values.Select(ServiceProtocols.Normalize)] : values;
    }

    // A selector usually names exactly one endpoint's labels; reusing that endpoint's array (and its strings)
    // instead of an equal copy saves an array and its strings per instance without changing any content.
    private static ImmutableArray<CatalogInstance> ShareSelectors(ImmutableArray<CatalogInstance> instances, ImmutableArray<CatalogEndpoint> endpoints)
    {
        if (instances.IsEmpty || endpoints.IsEmpty)
        {
            return instances;
        }

        CatalogInstance[]? shared = null;
        for (var i = 0; i < instances.Length; i++)
        {
            var selector = instances[i].EndpointSelector;
            if (selector.IsEmpty)
            {
                continue;
            }

            foreach (var endpoint in endpoints)
            {
                var labels = endpoint.Labels;
                if (labels != selector && CanonicalOrder.SequenceEqual(labels, selector))
                {
                    shared ??= instances.ToArray();
                    shared[i] = instances[i] with { EndpointSelector = labels };
                    break;
                }
            }
        }

        return shared is null ? instances : ImmutableArray.Create(shared);
    }

    private static bool SortedSetsIntersect(ImmutableArray<string> left, ImmutableArray<string> right)
    {
        int i = 0, j = 0;
        while (i < left.Length && j < right.Length)
        {
            var c = string.CompareOrdinal(left[i], right[j]);
            if (c == 0)
            {
                return true;
            }

            if (c < 0)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return false;
    }

    private ulong ComputeContentHash()
    {
        var hasher = new ContentHasher(ProcessHashKey);
        hasher.Add(Key.Name);
        hasher.Add(Name);
        hasher.Add(Fqdn);
        hasher.Add(Description);
        hasher.Add(Sni);
        CanonicalOrder.AddTo(ref hasher, Tags);
        Labels.AddTo(ref hasher);
        CanonicalOrder.AddTo(ref hasher, _subjectAlternativeNames);
        CanonicalOrder.AddTo(ref hasher, Protocols);
        hasher.Add(_endpoints.Length);
        foreach (var endpoint in _endpoints)
        {
            endpoint.AddTo(ref hasher);
        }

        hasher.Add(_instances.Length);
        foreach (var instance in _instances)
        {
            instance.AddTo(ref hasher);
        }

        hasher.Add(_ports.Length);
        foreach (var port in _ports)
        {
            port.AddTo(ref hasher);
        }

        hasher.Add(Locality is null ? 0 : 1);
        hasher.Add(Locality?.Region ?? string.Empty);
        hasher.Add(Locality?.Zone ?? string.Empty);
        hasher.Add(Locality?.Subzone ?? string.Empty);
        hasher.Add((int)Health);
        hasher.Add(_origin.PeerName ?? "\0");
        hasher.Add(_origin.RemoteKey.Name);
        hasher.Add(_origin.MergedPeers.Length);
        foreach (var peer in _origin.MergedPeers)
        {
            hasher.Add(peer);
        }
        var hash = hasher.Finish();
        return hash == 0 ? 1 : hash;
    }

    /// <summary>The rarely set fields; replaced, never mutated, once an entry is built.</summary>
    private sealed class RareFields
    {
        public string Description { get; set; } = string.Empty;

        public string Sni { get; set; } = string.Empty;

        public ImmutableArray<string> Tags { get; set; } = [];

        public ImmutableArray<string> Protocols { get; set; } = [];

        public ServiceLocality? Locality { get; set; }

        public ServiceHealth Health { get; set; }

        /// <summary>A copy of <paramref name="current"/> with one change; null when everything is back to its default.</summary>
        public static RareFields? With(RareFields? current, Action<RareFields> change)
        {
            var copy = current is null ? new RareFields() : (RareFields)current.MemberwiseClone();
            change(copy);
            var isDefault = copy.Description.Length == 0 && copy.Sni.Length == 0 && copy.Tags.IsEmpty
                && copy.Protocols.IsEmpty && copy.Locality is null && copy.Health == ServiceHealth.Unknown;
            return isDefault ? null : copy;
        }
    }
}
