namespace MeshInterop.Catalog.Naming;

/// <summary>A service name as one peer exports it.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Name">The service name the peer sent.</param>
public readonly record struct PeerServiceName(string Peer, string Name);
