using System.Collections.Immutable;

namespace MeshInterop.Conformance;

/// <summary>The result of one case: the outcome, how long it took, why, and what the kit saw.</summary>
public sealed class ConformanceCaseResult
{
    /// <summary>Initializes a new instance of the <see cref="ConformanceCaseResult"/> class.</summary>
    /// <param name="conformanceCase">The case.</param>
    /// <param name="outcome">The outcome.</param>
    /// <param name="duration">How long the case ran.</param>
    /// <param name="message">Why it failed, was not applicable or erred; a summary when it passed.</param>
    /// <param name="evidence">What the kit saw, in order: frames, statuses, hook calls, timings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="conformanceCase"/> is <see langword="null"/>.</exception>
    public ConformanceCaseResult(ConformanceCase conformanceCase, ConformanceOutcome outcome, TimeSpan duration, string message, IEnumerable<string>? evidence = null)
    {
        ArgumentNullException.ThrowIfNull(conformanceCase);
        Case = conformanceCase;
        Outcome = outcome;
        Duration = duration;
        Message = message ?? string.Empty;
        Evidence = evidence is null ? [] : [.. evidence];
    }

    /// <summary>Gets the case.</summary>
    public ConformanceCase Case { get; }

    /// <summary>Gets the outcome.</summary>
    public ConformanceOutcome Outcome { get; }

    /// <summary>Gets how long the case ran.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets why the case failed, was not applicable or erred, or a summary when it passed.</summary>
    public string Message { get; }

    /// <summary>Gets what the kit saw, in order.</summary>
    public ImmutableArray<string> Evidence { get; }

    /// <summary>Gets whether this result makes the run fail: a Required case that did not pass although it applied.</summary>
    public bool BlocksConformance => Case.Level == ConformanceLevel.Required && Outcome is ConformanceOutcome.Failed or ConformanceOutcome.Error;

    /// <inheritdoc />
    public override string ToString() => $"{Case.Id}: {Outcome}";
}
