using System.Collections.Immutable;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// An entry point of a federated service, typically the owner's ingress gateway (Hamlet <c>Endpoint</c>).
/// Labels are a set, kept sorted ordinally without duplicates. A value type, so a service's endpoints live inline
/// in one array rather than as one object each.
/// </summary>
public readonly record struct CatalogEndpoint
{
    private readonly string? _address;
    private readonly ImmutableArray<string> _labels;
    private readonly string? _description;

    /// <summary>Gets the address: an IP address or a DNS name (a CIDR only for v1alpha1 imports).</summary>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public required string Address
    {
        get => _address ?? string.Empty;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _address = value;
        }
    }

    /// <summary>Gets the port, 1 to 65535 when valid. Wider values are representable so that validation can report them.</summary>
    public required int Port { get; init; }

    /// <summary>Gets the labels an instance's endpoint selector matches, sorted ordinally without duplicates.</summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<string> Labels
    {
        get => _labels.IsDefault ? [] : _labels;
        init => _labels = CanonicalOrder.SortedSet(value);
    }

    /// <summary>Gets the free-text description.</summary>
    /// <value>The default value is the empty string.</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Description
    {
        get => _description ?? string.Empty;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _description = value.Length == 0 ? null : value;
        }
    }

    /// <inheritdoc/>
    public bool Equals(CatalogEndpoint other) =>
        Port == other.Port
        && string.Equals(Address, other.Address, StringComparison.Ordinal)
        && string.Equals(Description, other.Description, StringComparison.Ordinal)
        && CanonicalOrder.SequenceEqual(Labels, other.Labels);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hasher = new ContentHasher(0);
        AddTo(ref hasher);
        return unchecked((int)hasher.Finish());
    }

    internal void AddTo(ref ContentHasher hasher)
    {
        hasher.Add(Address);
        hasher.Add(Port);
        CanonicalOrder.AddTo(ref hasher, Labels);
        hasher.Add(Description);
    }

    internal static int Compare(CatalogEndpoint x, CatalogEndpoint y)
    {
        var c = string.CompareOrdinal(x.Address, y.Address);
        if (c == 0)
        {
            c = x.Port.CompareTo(y.Port);
        }

        if (c == 0)
        {
            c = CanonicalOrder.CompareSequences(x.Labels, y.Labels);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Description, y.Description);
    }
}
