using System.Collections.Immutable;

namespace MeshInterop.Catalog.Naming;

/// <summary>Two or more different (peer, name) pairs that the naming policy maps to the same local name.</summary>
/// <param name="LocalName">The contested local name.</param>
/// <param name="Sources">The pairs that map to it, ordered by peer and then name (ordinal).</param>
public sealed record ImportNameCollision(string LocalName, ImmutableArray<PeerServiceName> Sources)
{
    /// <inheritdoc/>
    public bool Equals(ImportNameCollision? other) =>
        other is not null && string.Equals(LocalName, other.LocalName, StringComparison.Ordinal)
        && Sources.SequenceEqual(other.Sources);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(LocalName), Sources.Length);
}
