namespace MeshInterop.Catalog.Import.Internal;

/// <summary>
/// The stored state of one import: what the peer last sent, when (peer, key) was first seen, and where it projects.
/// An import that is alone on its local name is also that name's slot in the view's index (see <see cref="NameSlot"/>
/// for contested names), so the usual import costs one object besides its local name.
/// </summary>
internal sealed class ImportRecord(string peer, CatalogEntry entry, DateTimeOffset firstSeen)
{
    internal static readonly IComparer<ImportRecord> Age = Comparer<ImportRecord>.Create(static (a, b) =>
    {
        var byTime = a.FirstSeen.CompareTo(b.FirstSeen);
        if (byTime != 0)
            return byTime;
        var byPeer = string.CompareOrdinal(a.Peer, b.Peer);
        return byPeer != 0 ? byPeer : a.RemoteKey.CompareTo(b.RemoteKey);
    });

    internal string Peer { get; } = peer;

    internal ServiceKey RemoteKey => Entry.Key;

    internal CatalogEntry Entry { get; set; } = entry;

    internal DateTimeOffset FirstSeen { get; set; } = firstSeen;

    /// <summary>Gets or sets the local name, or <see langword="null"/> when no valid name could be formed.</summary>
    internal string? LocalName { get; set; }

    internal string? Fqdn { get; set; }

    /// <summary>Gets or sets the FQDN's lower-case form, under which it is claimed; the same string when already lower case.</summary>
    internal string? FqdnKey { get; set; }

    /// <summary>
    /// Gets or sets the projection of <see cref="Entry"/> under its local name, built only when someone reads it
    /// (a rebuild creates none); reset whenever the entry or name changes.
    /// </summary>
    internal CatalogEntry? Projection { get; set; }

    /// <summary>
    /// Gets or sets the import of another local name that claimed this import's FQDN first, or <see langword="null"/>
    /// when none did; a blocked import cannot be projected.
    /// </summary>
    internal ImportRecord? FqdnBlockedBy { get; set; }

    /// <summary>Gets or sets the current conflict of this import, mirrored in the view's conflict index.</summary>
    internal ImportConflict? Conflict { get; set; }

    /// <summary>Gets or sets a value indicating whether this import, alone on its name, is projected.</summary>
    internal bool Wins { get; set; }

    /// <summary>Gets or sets the operation that last recorded this record's conflict state (see <see cref="ChangeCollector"/>).</summary>
    internal long ConflictStamp { get; set; }

    /// <summary>Gets or sets the operation that last recorded the state of the name this record holds alone.</summary>
    internal long NameStamp { get; set; }

    internal PeerKey Id => new(Peer, RemoteKey);

    /// <summary>Returns the entry as projected into the local mesh, building it on first use.</summary>
    internal CatalogEntry Project() => Projection ??= ProjectionOf(Entry, LocalName!, Fqdn, Peer);

    internal static CatalogEntry ProjectionOf(CatalogEntry entry, string localName, string? fqdn, string peer) =>
        entry with
        {
            Key = new ServiceKey(localName),
            Name = localName,
            Fqdn = fqdn ?? string.Empty,
            Origin = CatalogOrigin.FromPeer(peer, entry.Key),
        };
}

/// <summary>Identifies an import: (peer, key at that peer).</summary>
internal readonly record struct PeerKey(string Peer, ServiceKey Key);
