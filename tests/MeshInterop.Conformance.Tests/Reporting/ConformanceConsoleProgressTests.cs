using MeshInterop.Conformance.Reporting;

namespace MeshInterop.Conformance.Tests.Reporting;

public sealed class ConformanceConsoleProgressTests
{
    [Fact]
    public void Report_FailedCase_PrintsLineAndEvidence()
    {
        using var writer = new StringWriter();
        var progress = new ConformanceConsoleProgress(writer);
        var report = SampleReports.Mixed();

        foreach (var result in report.Results)
        {
            progress.Report(result);
        }

        progress.Summarize(report);
        var text = writer.ToString();
        Assert.Contains("FAIL ack_one_response_in_flight", text, StringComparison.Ordinal);
        Assert.Contains("       +0.003s stream ← UPSERT 'b'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("+0.001s stream → subscribe", text, StringComparison.Ordinal);
        Assert.Contains("1 passed, 2 failed, 1 errors, 1 not applicable: does NOT conform.", text, StringComparison.Ordinal);
    }
}
