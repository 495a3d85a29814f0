namespace MeshInterop.Conformance.Internal;

/// <summary>Ends a case early with a decided outcome: failed, or not applicable.</summary>
internal sealed class CaseOutcomeException(ConformanceOutcome outcome, string message) : Exception(message)
{
    public ConformanceOutcome Outcome { get; } = outcome;
}
