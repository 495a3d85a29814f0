using MeshInterop.Conformance.Reporting;

namespace MeshInterop.Conformance.Tests.Reporting;

public sealed class ConformanceMarkdownReportTests
{
    [Fact]
    public void Write_MixedReport_GivesVerdictTableAndEvidenceOfFailures()
    {
        using var writer = new StringWriter();

        ConformanceMarkdownReport.Write(SampleReports.Mixed(), writer);

        var lines = writer.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(lines, l => l.StartsWith("**Does not conform**", StringComparison.Ordinal));
        Assert.Contains("| 9 | `snapshot_delivers_all_resources` | Required | passed | 0.310 | 3 services, 3 CREATE responses. |", lines);
        Assert.Contains(lines, l => l.StartsWith("| 14 | `ack_one_response_in_flight` | Required | **FAILED** |", StringComparison.Ordinal) && l.Contains("& more \\| before", StringComparison.Ordinal));
        Assert.Contains("## 14 `ack_one_response_in_flight` (Failed)", lines);
        Assert.Contains("+0.003s stream ← UPSERT 'b' nonce=\"2\"", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("## 9 ", StringComparison.Ordinal));
    }
}
