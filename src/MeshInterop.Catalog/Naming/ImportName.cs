namespace MeshInterop.Catalog.Naming;

/// <summary>The local identity of one imported service.</summary>
/// <param name="LocalName">The local service name: a DNS-1123 label of at most 63 characters.</param>
/// <param name="Fqdn">The local FQDN, or <see langword="null"/> when the owner sent none and no template applies.</param>
/// <param name="Shortened"><see langword="true"/> when the name was truncated and given a hash suffix to fit 63 characters.</param>
public readonly record struct ImportName(string LocalName, string? Fqdn, bool Shortened);
