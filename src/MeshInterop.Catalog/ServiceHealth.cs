namespace MeshInterop.Catalog;

/// <summary>The aggregated health of a service, as its registry reports it. Hamlet does not carry health.</summary>
public enum ServiceHealth
{
    /// <summary>The registry reports no health (every Hamlet import).</summary>
    Unknown = 0,

    /// <summary>Every instance passes its checks.</summary>
    Passing = 1,

    /// <summary>Some checks warn or some instances fail; the service still serves.</summary>
    Warning = 2,

    /// <summary>No instance passes its checks.</summary>
    Critical = 3,
}
