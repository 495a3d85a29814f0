namespace MeshInterop.Conformance;

/// <summary>The result of one conformance case.</summary>
public enum ConformanceOutcome
{
    /// <summary>The target showed the required behaviour.</summary>
    Passed = 0,

    /// <summary>The target did not show the required behaviour; the evidence says what was seen.</summary>
    Failed = 1,

    /// <summary>
    /// The case does not apply to this run: another role or envelope, a capability the target does not claim, or a
    /// check of a .NET API that only MeshInterop's own test suite can run. Never counted as passed.
    /// </summary>
    NotApplicable = 2,

    /// <summary>The kit could not run the case (a hook failed, the target was unreachable for set-up); neither passed nor failed.</summary>
    Error = 3,
}
