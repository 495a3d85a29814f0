using System.Collections.Immutable;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// One instance of a federated service (Hamlet v1alpha2 <c>Instance</c>): how to connect to it, and through which
/// endpoints. The protocol is stored in canonical upper case; the endpoint selector is a sorted set.
/// </summary>
public sealed record CatalogInstance
{
    private readonly string _protocol = string.Empty;
    private readonly ImmutableArray<string> _endpointSelector = [];
    private readonly StringMap _metadata;

    /// <summary>Gets the instance ID, unique among the service's instances.</summary>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public required string Id
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    }

    /// <summary>Gets the protocol, one of <see cref="ServiceProtocols.All"/> when valid, in canonical upper case.</summary>
    public required string Protocol
    {
        get => _protocol;
        init => _protocol = ServiceProtocols.Normalize(value);
    }

    /// <summary>Gets the connectivity metadata; the reserved keys are <c>SNI</c>, <c>HOSTNAME</c> and <c>PORT</c>.</summary>
    /// <value>The default value is the empty map.</value>
    public StringMap Metadata
    {
        get => _metadata;
        init => _metadata = ShareReservedKeys(value);
    }

    /// <summary>Gets the endpoint labels this instance is served through, sorted ordinally without duplicates.</summary>
    /// <value>The default value is empty, which selects every endpoint.</value>
    public ImmutableArray<string> EndpointSelector
    {
        get => _endpointSelector;
        init => _endpointSelector = CanonicalOrder.SortedSet(value);
    }

    /// <summary>Gets the free-text description.</summary>
    /// <value>The default value is the empty string.</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Description
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = value;
        }
    } = string.Empty;

    /// <summary>
    /// Gets the DNS label derived from <see cref="Id"/> for the per-instance registry name (reference section 7.3):
    /// lower case, every character outside <c>[a-z0-9-]</c> replaced by <c>-</c>, leading and trailing <c>-</c>
    /// trimmed, at most 63 characters.
    /// </summary>
    /// <returns>The label; empty when nothing usable remains, which means no per-instance entry.</returns>
    public string GetDnsLabel()
    {
        Span<char> buffer = Id.Length <= 256 ? stackalloc char[Id.Length] : new char[Id.Length];
        var length = 0;
        foreach (var ch in Id)
        {
            var lower = ch is >= 'A' and <= 'Z' ? (char)(ch + ('a' - 'A')) : ch;
            buffer[length++] = lower is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? lower : '-';
        }

        var label = buffer[..length].Trim('-');
        if (label.Length > 63)
        {
            // Truncation may expose a trailing hyphen, which a DNS label may not end with.
            label = label[..63].TrimEnd('-');
        }

        return label.ToString();
    }

    // Reserved keys spelled canonically become the shared constants: one less string per instance, same content.
    private static StringMap ShareReservedKeys(StringMap metadata)
    {
        foreach (var pair in metadata.Pairs)
        {
            if (Validation.InstanceMetadataKeys.TryGetReserved(pair.Key, out var canonical)
                && !ReferenceEquals(canonical, pair.Key)
                && string.Equals(canonical, pair.Key, StringComparison.Ordinal))
            {
                return StringMap.Create(metadata.Pairs.ToArray().Select(p =>
                    Validation.InstanceMetadataKeys.TryGetReserved(p.Key, out var c) && string.Equals(c, p.Key, StringComparison.Ordinal)
                        ? new KeyValuePair<string, string>(c, p.Value)
                        : p));
            }
        }

        return metadata;
    }

    /// <inheritdoc/>
    public bool Equals(CatalogInstance? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && string.Equals(Id, other.Id, StringComparison.Ordinal)
            && string.Equals(_protocol, other._protocol, StringComparison.Ordinal)
            && string.Equals(Description, other.Description, StringComparison.Ordinal)
            && CanonicalOrder.SequenceEqual(_endpointSelector, other._endpointSelector)
            && Metadata.Equals(other.Metadata));

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hasher = new ContentHasher(0);
        AddTo(ref hasher);
        return unchecked((int)hasher.Finish());
    }

    internal void AddTo(ref ContentHasher hasher)
    {
        hasher.Add(Id);
        hasher.Add(_protocol);
        Metadata.AddTo(ref hasher);
        CanonicalOrder.AddTo(ref hasher, _endpointSelector);
        hasher.Add(Description);
    }

    internal static int Compare(CatalogInstance? x, CatalogInstance? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = string.CompareOrdinal(x.Id, y.Id);
        if (c == 0)
        {
            c = string.CompareOrdinal(x._protocol, y._protocol);
        }

        if (c == 0)
        {
            c = CanonicalOrder.CompareSequences(x._endpointSelector, y._endpointSelector);
        }

        if (c == 0)
        {
            c = x.Metadata.CompareTo(y.Metadata);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Description, y.Description);
    }
}
