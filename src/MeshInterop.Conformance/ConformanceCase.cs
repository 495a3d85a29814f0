using System.Collections.Immutable;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance;

/// <summary>
/// One numbered conformance case of the protocol reference (section 6): its stable snake_case ID, level, the
/// behaviour it checks and where the spec requires it, and where it applies. IDs are never renumbered or reused.
/// </summary>
public sealed class ConformanceCase
{
    internal ConformanceCase(
        string number,
        string id,
        ConformanceLevel level,
        string group,
        string behaviour,
        string specReference,
        ImmutableArray<ConformanceRole> roles,
        ImmutableArray<HamletEnvelope> envelopes,
        ImmutableArray<HamletResourceVersion> resourceVersions,
        ConformanceCapabilities requires,
        string method)
    {
        Number = number;
        Id = id;
        Level = level;
        Group = group;
        Behaviour = behaviour;
        SpecReference = specReference;
        Roles = roles;
        Envelopes = envelopes;
        ResourceVersions = resourceVersions;
        Requires = requires;
        Method = method;
    }

    /// <summary>Gets the case's number in the reference table: <c>1</c> to <c>53</c> for Hamlet cases, <c>X1</c> to <c>X5</c> for MeshInterop extensions.</summary>
    public string Number { get; }

    /// <summary>Gets the stable snake_case ID, used in code, test names, reports and the docs.</summary>
    public string Id { get; }

    /// <summary>Gets whether the case is Required or Optional.</summary>
    public ConformanceLevel Level { get; }

    /// <summary>Gets the group of the reference table the case belongs to, such as <c>ACK/NACK and flow control</c>.</summary>
    public string Group { get; }

    /// <summary>Gets the observable behaviour the case checks, as the reference states it.</summary>
    public string Behaviour { get; }

    /// <summary>Gets where the requirement comes from: requirement IDs (R), decisions (G) and sections of the protocol reference.</summary>
    public string SpecReference { get; }

    /// <summary>Gets the roles of the target the case applies to.</summary>
    public ImmutableArray<ConformanceRole> Roles { get; }

    /// <summary>Gets the envelopes the case applies to.</summary>
    public ImmutableArray<HamletEnvelope> Envelopes { get; }

    /// <summary>Gets the resource versions the case applies to; empty means any.</summary>
    public ImmutableArray<HamletResourceVersion> ResourceVersions { get; }

    /// <summary>Gets the capabilities the target must claim for the case to apply.</summary>
    public ConformanceCapabilities Requires { get; }

    /// <summary>Gets how the kit checks the case, with its timing bounds.</summary>
    public string Method { get; }

    /// <inheritdoc />
    public override string ToString() => Id;
}
