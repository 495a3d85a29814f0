namespace MeshInterop.Conformance;

/// <summary>The Hamlet role of the implementation under test.</summary>
public enum ConformanceRole
{
    /// <summary>The target is a gRPC server that exports its catalog; the kit dials it as a consumer.</summary>
    Owner = 0,

    /// <summary>The target is a gRPC client that imports; it dials the kit, which serves a catalog the kit controls.</summary>
    Consumer = 1,
}
