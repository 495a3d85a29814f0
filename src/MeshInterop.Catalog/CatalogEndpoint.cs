using System.Collections.Immutable;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// An entry point of a federated service, typically the owner's ingress gateway (Hamlet <c>Endpoint</c>).
/// Labels are a set, kept sorted ordinally without duplicates.
/// </summary>
public sealed record CatalogEndpoint
{
    private readonly ImmutableArray<string> _labels = [];

    /// <summary>Gets the address: an IP address or a DNS name (a CIDR only for v1alpha1 imports).</summary>
    public required string Address { get; init; }

    /// <summary>Gets the port, 1 to 65535 when valid. Wider values are representable so that validation can report them.</summary>
    public required int Port { get; init; }

    /// <summary>Gets the labels an instance's endpoint selector matches, sorted ordinally without duplicates.</summary>
    /// <value>The default value is empty.</value>
    public ImmutableArray<string> Labels
    {
        get => _labels;
        init => _labels = CanonicalOrder.SortedSet(value);
    }

    /// <summary>Gets the free-text description.</summary>
    /// <value>The default value is the empty string.</value>
    public string Description { get; init; } = string.Empty;

    /// <inheritdoc/>
    public bool Equals(CatalogEndpoint? other) =>
        ReferenceEquals(this, other)
        || (other is not null
            && Port == other.Port
            && string.Equals(Address, other.Address, StringComparison.Ordinal)
            && string.Equals(Description, other.Description, StringComparison.Ordinal)
            && CanonicalOrder.SequenceEqual(_labels, other._labels));

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
        CanonicalOrder.AddTo(ref hasher, _labels);
        hasher.Add(Description);
    }

    internal static int Compare(CatalogEndpoint? x, CatalogEndpoint? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = string.CompareOrdinal(x.Address, y.Address);
        if (c == 0)
        {
            c = x.Port.CompareTo(y.Port);
        }

        if (c == 0)
        {
            c = CanonicalOrder.CompareSequences(x._labels, y._labels);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Description, y.Description);
    }
}
