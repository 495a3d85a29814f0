namespace MeshInterop.Catalog.Import;

/// <summary>An import that is kept but not projected as itself. Conflicts are data: the import is still stored and acknowledged.</summary>
/// <param name="Peer">The peer the import came from.</param>
/// <param name="RemoteKey">The import's key at that peer.</param>
/// <param name="LocalKey">The local name the import maps to (empty for <see cref="ImportConflictReason.InvalidName"/>).</param>
/// <param name="Reason">Why it is not projected as itself.</param>
/// <param name="Detail">A sentence naming what won the name, or what is wrong.</param>
public sealed record ImportConflict(string Peer, ServiceKey RemoteKey, ServiceKey LocalKey, ImportConflictReason Reason, string Detail);
