namespace MeshInterop.Conformance;

/// <summary>How binding a conformance case is (protocol reference, section 6).</summary>
public enum ConformanceLevel
{
    /// <summary>Every implementation must pass it; a run succeeds only when every applicable Required case passes.</summary>
    Required = 0,

    /// <summary>Applies only when the named feature is enabled or an external reference peer is available.</summary>
    Optional = 1,
}
