using System.Collections.Immutable;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance;

/// <summary>The results of one run against one target, in one role and envelope.</summary>
public sealed class ConformanceReport
{
    /// <summary>Initializes a new instance of the <see cref="ConformanceReport"/> class.</summary>
    /// <param name="target">What was tested: the target's address, or the kit's listening address for the consumer role.</param>
    /// <param name="role">The target's role.</param>
    /// <param name="envelope">The envelope spoken.</param>
    /// <param name="resourceVersion">The resource version exchanged.</param>
    /// <param name="startedAt">When the run started.</param>
    /// <param name="duration">How long it took.</param>
    /// <param name="results">One result per case in the catalogue that was selected.</param>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> or <paramref name="results"/> is <see langword="null"/>.</exception>
    public ConformanceReport(string target, ConformanceRole role, HamletEnvelope envelope, HamletResourceVersion resourceVersion, DateTimeOffset startedAt, TimeSpan duration, IEnumerable<ConformanceCaseResult> results)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(results);
        Target = target;
        Role = role;
        Envelope = envelope;
        ResourceVersion = resourceVersion;
        StartedAt = startedAt;
        Duration = duration;
        Results = [.. results];
    }

    /// <summary>Gets what was tested.</summary>
    public string Target { get; }

    /// <summary>Gets the target's role.</summary>
    public ConformanceRole Role { get; }

    /// <summary>Gets the envelope spoken.</summary>
    public HamletEnvelope Envelope { get; }

    /// <summary>Gets the resource version exchanged.</summary>
    public HamletResourceVersion ResourceVersion { get; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets how long the run took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets the results, in catalogue order.</summary>
    public ImmutableArray<ConformanceCaseResult> Results { get; }

    /// <summary>Gets whether the target conforms: every applicable Required case passed. Optional cases never decide it.</summary>
    public bool Conforms => !Results.Any(r => r.BlocksConformance);

    /// <summary>Counts the results with an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>How many results have it.</returns>
    public int Count(ConformanceOutcome outcome) => Results.Count(r => r.Outcome == outcome);
}
