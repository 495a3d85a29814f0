namespace MeshInterop.Catalog;

/// <summary>
/// Where a catalog entry came from: the local mesh, or an import from a named peer. The loop guard reads it:
/// an imported entry is never exported back to the peer it came from.
/// </summary>
public sealed record CatalogOrigin
{
    private CatalogOrigin(string? peerName, ServiceKey remoteKey)
    {
        PeerName = peerName;
        RemoteKey = remoteKey;
    }

    /// <summary>Gets the origin of every service the local mesh registry owns.</summary>
    public static CatalogOrigin Local { get; } = new(null, default);

    /// <summary>Gets the name of the peer the entry was imported from.</summary>
    /// <value><see langword="null"/> for a local entry.</value>
    public string? PeerName { get; }

    /// <summary>Gets the key of the entry at that peer (its G1 key), which may differ from the local key.</summary>
    /// <value>The default (empty) key for a local entry.</value>
    public ServiceKey RemoteKey { get; }

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
        return new CatalogOrigin(peerName, remoteKey);
    }

    /// <inheritdoc/>
    public override string ToString() => IsLocal ? "local" : $"peer '{PeerName}' key '{RemoteKey}'";
}
