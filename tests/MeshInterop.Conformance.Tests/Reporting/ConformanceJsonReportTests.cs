using System.Text;
using MeshInterop.Conformance.Reporting;

namespace MeshInterop.Conformance.Tests.Reporting;

public sealed class ConformanceJsonReportTests
{
    [Fact]
    public void Read_OfWrite_RoundTripsEveryField()
    {
        var report = SampleReports.Mixed();
        using var stream = new MemoryStream();

        ConformanceJsonReport.Write(report, stream);
        var read = ConformanceJsonReport.Read(stream.ToArray());

        Assert.Equal(report.Target, read.Target);
        Assert.Equal(report.Role, read.Role);
        Assert.Equal(report.Envelope, read.Envelope);
        Assert.Equal(report.ResourceVersion, read.ResourceVersion);
        Assert.Equal(report.StartedAt, read.StartedAt);
        Assert.Equal(report.Duration, read.Duration);
        Assert.Equal(report.Conforms, read.Conforms);
        Assert.Equal(report.Results.Length, read.Results.Length);
        foreach (var (expected, actual) in report.Results.Zip(read.Results))
        {
            Assert.Same(expected.Case, actual.Case);
            Assert.Equal(expected.Outcome, actual.Outcome);
            Assert.Equal(expected.Duration, actual.Duration);
            Assert.Equal(expected.Message, actual.Message);
            Assert.Equal(expected.Evidence, actual.Evidence);
        }
    }

    [Fact]
    public void Write_MixedReport_NamesCaseLevelResultAndCounts()
    {
        using var stream = new MemoryStream();
        ConformanceJsonReport.Write(SampleReports.Mixed(), stream);
        var json = Encoding.UTF8.GetString(stream.ToArray());

        Assert.Contains("\"id\": \"ack_one_response_in_flight\"", json, StringComparison.Ordinal);
        Assert.Contains("\"level\": \"required\"", json, StringComparison.Ordinal);
        Assert.Contains("\"result\": \"notapplicable\"", json, StringComparison.Ordinal);
        Assert.Contains("\"conforms\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"failed\": 2", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "'cases'")]
    [InlineData("{\"cases\":[{\"id\":\"no_such_case\"}]}", "no_such_case")]
    [InlineData("not json", "Not a conformance report")]
    public void Read_Malformed_ThrowsFormatExceptionNamingTheProblem(string json, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ConformanceJsonReport.Read(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
