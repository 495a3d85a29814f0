namespace MeshInterop.Identity.Bundles;

/// <summary>Something in a bundle document that was ignored or tolerated while parsing, for logging.</summary>
/// <param name="EntryIndex">The index of the entry in <c>keys</c>, or <see langword="null"/> for a top-level member.</param>
/// <param name="Issue">What the diagnostic is about.</param>
/// <param name="EntryIgnored">Whether the entry (or member) was ignored; <see langword="false"/> when it was tolerated and used.</param>
/// <param name="Detail">A human-readable description.</param>
public sealed record SpiffeBundleDiagnostic(int? EntryIndex, SpiffeBundleIssue Issue, bool EntryIgnored, string Detail);
