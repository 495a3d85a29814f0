using System.Collections.Immutable;

namespace MeshInterop.Catalog;

/// <summary>
/// Where a catalog entry came from: the local mesh, or an import from a named peer (and, for an entry that merges
/// imports of several peers, those peers too). The loop guard reads it: an imported entry is never exported back
/// to a peer it came from.
/// </summary>
public sealed record CatalogOrigin
{
    private CatalogOrigin(string? peerName, ServiceKey remoteKey, ImmutableArray<string> mergedPeers)
    {
        PeerName = peerName;
        RemoteKey = remoteKey;
        MergedPeers = mergedPeers;
    }

    /// <summary>Gets the origin of every service the local mesh registry owns.</summary>
    public static CatalogOrigin Local { get; } = new(null, default, []);

    /// <summary>Gets the name of the peer the entry was imported from (the earliest one, for a merged entry).</summary>
    /// <value><see langword="null"/> for a local entry.</value>
    public string? PeerName { get; }

    /// <summary>Gets the key of the entry at that peer (its G1 key), which may differ from the local key.</summary>
    /// <value>The default (empty) key for a local entry.</value>
    public ServiceKey RemoteKey { get; }

    /// <summary>
    /// Gets the other peers whose imports were merged into this entry (see <c>ImportCollisionPolicy.AggregateWhenCompatible</c>),
    /// sorted ordinally, without <see cref="PeerName"/>.
    /// </summary>
    /// <value>Empty unless the entry merges imports of several peers.</value>
    public ImmutableArray<string> MergedPeers { get; }

    /// <summary>Gets a value indicating whether the local mesh owns the entry.</summary>
    public bool IsLocal => PeerName is null;

    /// <summary>Creates the origin of an entry imported from a peer.</summary>
    /// <param name="peerName">The configured name of the peer.</param>
    /// <param name="remoteKey">The key of the entry at that peer.</param>
    /// <returns>The origin.</returns>
    /// <exception cref="ArgumentException"><paramref name="peerName"/> is null or empty.</exception>
    public static CatalogOrigin FromPeer(string peerName, ServiceKey remoteKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerName);
        return new CatalogOrigin(peerName, remoteKey, []);
    }

    /// <summary>Creates the origin of an entry that merges imports of several peers.</summary>
    /// <param name="peerName">The peer of the earliest import, whose entry the merge is based on.</param>
    /// <param name="remoteKey">The key of that import at that peer.</param>
    /// <param name="mergedPeers">The peers of the other merged imports; <paramref name="peerName"/> and duplicates are ignored.</param>
    /// <returns>The origin.</returns>
    /// <exception cref="ArgumentException"><paramref name="peerName"/> or a merged peer is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="mergedPeers"/> is <see langword="null"/>.</exception>
    public static CatalogOrigin FromPeers(string peerName, ServiceKey remoteKey, IEnumerable<string> mergedPeers)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerName);
        ArgumentNullException.ThrowIfNull(mergedPeers);
        var others = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var peer in mergedPeers)
        {
            ArgumentException.ThrowIfNullOrEmpty(peer, nameof(mergedPeers));
            if (!string.Equals(peer, peerName, StringComparison.Ordinal))
            {
                others.Add(peer);
            }
        }

        return new CatalogOrigin(peerName, remoteKey, [.. others]);
    }

    /// <summary>Returns whether the entry came, wholly or in part, from <paramref name="peer"/>.</summary>
    /// <param name="peer">A peer name.</param>
    /// <returns><see langword="true"/> when <paramref name="peer"/> is <see cref="PeerName"/> or one of <see cref="MergedPeers"/>.</returns>
    public bool CameFrom(string? peer) =>
        peer is not null && (string.Equals(peer, PeerName, StringComparison.Ordinal) || MergedPeers.Contains(peer, StringComparer.Ordinal));

    /// <inheritdoc/>
    public bool Equals(CatalogOrigin? other) =>
        other is not null && string.Equals(PeerName, other.PeerName, StringComparison.Ordinal) && RemoteKey == other.RemoteKey
        && MergedPeers.AsSpan().SequenceEqual(other.MergedPeers.AsSpan());

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(PeerName is null ? 0 : string.GetHashCode(PeerName, StringComparison.Ordinal), RemoteKey, MergedPeers.Length);

    /// <inheritdoc/>
    public override string ToString() =>
        IsLocal ? "local"
        : MergedPeers.IsEmpty ? $"peer '{PeerName}' key '{RemoteKey}'"
        : $"peer '{PeerName}' key '{RemoteKey}', merged with peers {string.Join(", ", MergedPeers.Select(p => "'" + p + "'"))}";
}
