namespace MeshInterop.Conformance.Reporting;

/// <summary>Live progress for a terminal: one line per case as soon as it has finished, then a summary line.</summary>
/// <param name="output">Where to write, normally standard output.</param>
/// <param name="verbose">Whether to print the evidence of every case, not only of those that failed or erred.</param>
public sealed class ConformanceConsoleProgress(TextWriter output, bool verbose = false) : IProgress<ConformanceCaseResult>
{
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public void Report(ConformanceCaseResult value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var mark = value.Outcome switch
        {
            ConformanceOutcome.Passed => "PASS",
            ConformanceOutcome.Failed => "FAIL",
            ConformanceOutcome.Error => "ERR ",
            _ => "n/a ",
        };
        lock (_gate)
        {
            output.WriteLine($"{mark} {value.Case.Id,-46} {value.Case.Level,-8} {ConformanceJsonReport.Seconds(value.Duration),8} s  {value.Message}");
            if (verbose || value.Outcome is ConformanceOutcome.Failed or ConformanceOutcome.Error)
            {
                foreach (var line in value.Evidence)
                {
                    output.WriteLine("       " + line);
                }
            }
        }
    }

    /// <summary>Writes the summary line of a finished run.</summary>
    /// <param name="report">The report.</param>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public void Summarize(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            output.WriteLine($"{report.Count(ConformanceOutcome.Passed)} passed, {report.Count(ConformanceOutcome.Failed)} failed, {report.Count(ConformanceOutcome.Error)} errors, {report.Count(ConformanceOutcome.NotApplicable)} not applicable: "
                + (report.Conforms ? "conforms." : "does NOT conform."));
        }
    }
}
