using MeshInterop.Istio.Internal.Reconcile;

namespace MeshInterop.Istio.Internal.Import;

/// <summary>What one pass of the import sink did.</summary>
internal sealed record ImportPassResult(long Revision, WriteOutcome Outcome, IReadOnlyList<ImportFinding> Findings);
