using System.Xml.Linq;
using MeshInterop.Conformance.Reporting;

namespace MeshInterop.Conformance.Tests.Reporting;

public sealed class ConformanceJUnitReportTests
{
    [Fact]
    public void Write_MixedReport_IsWellFormedJUnitWithOneTestcasePerCase()
    {
        var report = SampleReports.Mixed();
        using var stream = new MemoryStream();

        ConformanceJUnitReport.Write(report, stream);

        stream.Position = 0;
        var document = XDocument.Load(stream);
        var root = document.Root!;
        Assert.Equal("testsuites", root.Name.LocalName);
        var suite = Assert.Single(root.Elements("testsuite"));
        Assert.Equal("meshinterop.conformance.owner.v1alpha2", (string?)suite.Attribute("name"));
        Assert.Equal("5", (string?)suite.Attribute("tests"));
        Assert.Equal("2", (string?)suite.Attribute("failures"));
        Assert.Equal("1", (string?)suite.Attribute("errors"));
        Assert.Equal("1", (string?)suite.Attribute("skipped"));
        Assert.Equal("4.250", (string?)suite.Attribute("time"));
        Assert.Equal("2026-11-25T12:00:00", (string?)suite.Attribute("timestamp"));
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(report.Results.Select(r => r.Case.Id), cases.Select(c => (string?)c.Attribute("name")));
        Assert.All(cases, c => Assert.Equal("meshinterop.conformance.owner.v1alpha2", (string?)c.Attribute("classname")));
        Assert.DoesNotContain(cases[0].Elements(), e => e.Name.LocalName is "failure" or "error" or "skipped");
        var failure = Assert.Single(cases[1].Elements("failure"));
        Assert.Contains("<UPSERT 'b'> & more | before", (string?)failure.Attribute("message"), StringComparison.Ordinal);
        Assert.Equal("RequiredCaseFailed", (string?)failure.Attribute("type"));
        Assert.Contains("nonce=\"2\"", cases[1].Element("system-out")!.Value, StringComparison.Ordinal);
        Assert.Equal("KitError", (string?)Assert.Single(cases[2].Elements("error")).Attribute("type"));
        Assert.Equal("OptionalCaseFailed", (string?)Assert.Single(cases[3].Elements("failure")).Attribute("type"));
        Assert.Equal("Checks a .NET API in process.", (string?)Assert.Single(cases[4].Elements("skipped")).Attribute("message"));
        Assert.Equal("false", suite.Element("properties")!.Elements("property").Single(p => (string?)p.Attribute("name") == "conforms").Attribute("value")!.Value);
    }

    [Fact]
    public void Write_NullReport_ThrowsWithParamName()
    {
        using var stream = new MemoryStream();
        Assert.Equal("report", Assert.Throws<ArgumentNullException>(() => ConformanceJUnitReport.Write(null!, stream)).ParamName);
    }
}
