using Grpc.Core;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Conformance.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Conformance;

/// <summary>
/// Runs the wire conformance cases against one Hamlet implementation in one role and envelope, and returns a report.
/// Usable from any test framework or tool; <c>meshinterop conformance run</c> is a thin shell over it.
/// </summary>
public sealed partial class ConformanceRunner
{
    private readonly ConformanceRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ConformanceRunner"/> class.</summary>
    /// <param name="options">What to run against what; validated here.</param>
    /// <param name="timeProvider">The clock for bounds and durations; the system clock when <see langword="null"/>. Targets run in real time, so a fake clock only suits fake targets.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are incomplete or inconsistent; the message names the option.</exception>
    public ConformanceRunner(ConformanceRunnerOptions options, TimeProvider? timeProvider = null, ILogger<ConformanceRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets the capabilities the run treats as claimed: the options' claims plus what their settings imply.</summary>
    public ConformanceCapabilities EffectiveCapabilities
    {
        get
        {
            var capabilities = _options.Capabilities & ~ConformanceCapabilities.InProcessDotNet;
            if (_options.Hook is null)
            {
                capabilities &= ~(ConformanceCapabilities.Mutation | ConformanceCapabilities.GracefulStop | ConformanceCapabilities.ConsumerControl);
            }

            return capabilities;
        }
    }

    /// <summary>Runs the selected cases one after another, in catalogue order (a graceful-stop case last, since it ends the target).</summary>
    /// <param name="progress">Told of each result as soon as its case has finished; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run; cases not yet run are left out of the report.</param>
    /// <returns>The report.</returns>
    public async Task<ConformanceReport> RunAsync(IProgress<ConformanceCaseResult>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var startedAt = _time.GetTimestamp();
        var kitTls = new KitTls(_options, _time);
        var results = new List<ConformanceCaseResult>();
        var selected = ConformanceCases.All
            .Where(c => _options.Cases.Count == 0 || _options.Cases.Contains(c.Id))
            .Where(c => _options.Level is not { } level || c.Level == level)
            .OrderBy(c => (c.Requires & ConformanceCapabilities.GracefulStop) != 0 ? 1 : 0)
            .ToList();
        foreach (var conformanceCase in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await RunCaseAsync(conformanceCase, kitTls, cancellationToken).ConfigureAwait(false);
            Log.CaseFinished(_logger, conformanceCase.Id, result.Outcome.ToString(), result.Duration.TotalSeconds, result.Message);
            results.Add(result);
            progress?.Report(result);
        }

        var order = ConformanceCases.All.Select((c, i) => (c.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var target = _options.Role == ConformanceRole.Owner ? _options.Target!.ToString() : "consumer dialling " + _options.Listen;
        return new ConformanceReport(target, _options.Role, _options.Envelope, _options.EffectiveResourceVersion, started, _time.GetElapsedTime(startedAt), results.OrderBy(r => order[r.Case.Id]));
    }

    /// <summary>Says why a case does not apply to this run, or <see langword="null"/> when it does.</summary>
    /// <param name="conformanceCase">The case.</param>
    /// <returns>The reason, or <see langword="null"/>.</returns>
    public string? WhyNotApplicable(ConformanceCase conformanceCase)
    {
        ArgumentNullException.ThrowIfNull(conformanceCase);
        if (!conformanceCase.Roles.Contains(_options.Role))
        {
            return $"Applies to the {string.Join(" and ", conformanceCase.Roles).ToLowerInvariant()} role, not the {_options.Role.ToString().ToLowerInvariant()} role.";
        }

        if (!conformanceCase.Envelopes.Contains(_options.Envelope))
        {
            return $"Applies to the {string.Join(", ", conformanceCase.Envelopes).ToLowerInvariant()} envelope only.";
        }

        if (!conformanceCase.ResourceVersions.IsEmpty && !conformanceCase.ResourceVersions.Contains(_options.EffectiveResourceVersion))
        {
            return $"Applies to {string.Join(", ", conformanceCase.ResourceVersions).ToLowerInvariant()} resources only.";
        }

        if ((conformanceCase.Requires & ConformanceCapabilities.InProcessDotNet) != 0)
        {
            return "Checks a .NET API in process; MeshInterop's own functional tests run it under this ID, the wire kit cannot.";
        }

        if ((conformanceCase.Requires & ConformanceCapabilities.ReferencePeer) != 0)
        {
            return "Needs the Go reference implementation, which upstream no longer ships; the kit does not emulate it.";
        }

        var needed = conformanceCase.Requires;
        if (_options.Role == ConformanceRole.Consumer)
        {
            // Every consumer case starts the target against the kit and stops it afterwards.
            needed |= ConformanceCapabilities.ConsumerControl;
        }

        var missing = needed & ~EffectiveCapabilities;
        if (missing != ConformanceCapabilities.None)
        {
            return $"Needs {missing}, which the target does not claim" + (_options.Hook is null && (missing & (ConformanceCapabilities.Mutation | ConformanceCapabilities.GracefulStop | ConformanceCapabilities.ConsumerControl)) != 0 ? " (no hook is configured)." : ".");
        }

        var implementations = _options.Role == ConformanceRole.Owner ? OwnerCases.All : ConsumerCases.All;
        return implementations.ContainsKey(conformanceCase.Id) ? null : "Not automated for this role by this version of the kit.";
    }

    private async Task<ConformanceCaseResult> RunCaseAsync(ConformanceCase conformanceCase, KitTls kitTls, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (WhyNotApplicable(conformanceCase) is { } reason)
        {
            return new ConformanceCaseResult(conformanceCase, ConformanceOutcome.NotApplicable, TimeSpan.Zero, reason);
        }

        Log.CaseStarted(_logger, conformanceCase.Id);
        var implementations = _options.Role == ConformanceRole.Owner ? OwnerCases.All : ConsumerCases.All;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(_options.Timing.CaseTimeout);
        var context = new CaseContext(_options, EffectiveCapabilities, kitTls, _time, conformanceCase.Id, bound.Token);
        ConformanceOutcome outcome;
        string message;
        try
        {
            message = await implementations[conformanceCase.Id](context).ConfigureAwait(false);
            outcome = ConformanceOutcome.Passed;
        }
        catch (CaseOutcomeException ex)
        {
            (outcome, message) = (ex.Outcome, ex.Message);
        }
        catch (ConformanceHookException ex)
        {
            (outcome, message) = (ConformanceOutcome.Error, "The hook failed: " + ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            (outcome, message) = (ConformanceOutcome.Error, $"The case did not finish within {CaseContext.Seconds(_options.Timing.CaseTimeout)}.");
        }
        catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or InvalidOperationException)
        {
            (outcome, message) = (ConformanceOutcome.Error, $"The kit could not run the case: {ex.GetType().Name}: {ex.Message}");
        }

        try
        {
            await context.CleanupAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ConformanceHookException or OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            // The case's verdict stands; the next case may see leftovers, which the evidence of this one explains.
            context.Note("cleanup failed: " + ex.Message);
            Log.CleanupFailed(_logger, ex, conformanceCase.Id);
        }

        return new ConformanceCaseResult(conformanceCase, outcome, _time.GetElapsedTime(started), message, context.Evidence);
    }

    private static partial class Log
    {
        [LoggerMessage(7001, LogLevel.Debug, "Running conformance case '{CaseId}'.", EventName = nameof(CaseStarted))]
        public static partial void CaseStarted(ILogger logger, string caseId);

        [LoggerMessage(7002, LogLevel.Information, "Conformance case '{CaseId}': {Outcome} in {Seconds:0.000} s. {Message}", EventName = nameof(CaseFinished))]
        public static partial void CaseFinished(ILogger logger, string caseId, string outcome, double seconds, string message);

        [LoggerMessage(7003, LogLevel.Warning, "Cleaning up after conformance case '{CaseId}' failed; later cases may see its leftovers.", EventName = nameof(CleanupFailed))]
        public static partial void CleanupFailed(ILogger logger, Exception exception, string caseId);
    }
}
