using System.Globalization;

namespace MeshInterop.Conformance.Reporting;

/// <summary>Writes a report as GitHub-flavoured Markdown: a verdict, counts, one table row per case, and the evidence of every case that did not pass.</summary>
public static class ConformanceMarkdownReport
{
    /// <summary>Writes <paramref name="report"/> as Markdown.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(ConformanceReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var invariant = CultureInfo.InvariantCulture;
        output.WriteLine($"# Hamlet conformance: {ConformanceJsonReport.Word(report.Role)} role, {ConformanceJsonReport.Word(report.Envelope)} envelope");
        output.WriteLine();
        output.WriteLine(report.Conforms ? "**Conforms**: every applicable Required case passed." : "**Does not conform**: at least one applicable Required case failed or could not run.");
        output.WriteLine();
        output.WriteLine($"Target `{report.Target}`, {ConformanceJsonReport.Word(report.ResourceVersion)} resources, started {report.StartedAt.ToString("u", invariant)}, {ConformanceJsonReport.Seconds(report.Duration)} s.");
        output.WriteLine();
        output.WriteLine(string.Create(invariant, $"| Passed | Failed | Error | Not applicable |\n|---:|---:|---:|---:|\n| {report.Count(ConformanceOutcome.Passed)} | {report.Count(ConformanceOutcome.Failed)} | {report.Count(ConformanceOutcome.Error)} | {report.Count(ConformanceOutcome.NotApplicable)} |"));
        output.WriteLine();
        output.WriteLine("| # | Case | Level | Result | Duration (s) | Details |");
        output.WriteLine("|---|---|---|---|---:|---|");
        foreach (var result in report.Results)
        {
            output.WriteLine($"| {result.Case.Number} | `{result.Case.Id}` | {result.Case.Level} | {Badge(result.Outcome)} | {ConformanceJsonReport.Seconds(result.Duration)} | {Cell(result.Message)} |");
        }

        foreach (var result in report.Results.Where(r => r.Outcome is ConformanceOutcome.Failed or ConformanceOutcome.Error))
        {
            output.WriteLine();
            output.WriteLine($"## {result.Case.Number} `{result.Case.Id}` ({result.Outcome})");
            output.WriteLine();
            output.WriteLine($"Checks: {result.Case.Behaviour} ({result.Case.SpecReference}).");
            output.WriteLine();
            output.WriteLine(result.Message);
            output.WriteLine();
            output.WriteLine("```text");
            foreach (var line in result.Evidence)
            {
                output.WriteLine(line);
            }

            output.WriteLine("```");
        }
    }

    private static string Badge(ConformanceOutcome outcome) => outcome switch
    {
        ConformanceOutcome.Passed => "passed",
        ConformanceOutcome.Failed => "**FAILED**",
        ConformanceOutcome.Error => "**error**",
        _ => "n/a",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
