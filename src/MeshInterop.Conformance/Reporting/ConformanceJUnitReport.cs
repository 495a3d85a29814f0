using System.Xml;

namespace MeshInterop.Conformance.Reporting;

/// <summary>
/// Writes a report as JUnit XML for CI systems: one <c>testsuite</c> per run named after the role and envelope, one
/// <c>testcase</c> per case named by its ID. Failed cases carry <c>failure</c>, errors <c>error</c>, not-applicable
/// cases <c>skipped</c> with the reason; the evidence goes to <c>system-out</c>.
/// </summary>
public static class ConformanceJUnitReport
{
    /// <summary>Writes <paramref name="report"/> as UTF-8 JUnit XML.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write; left open.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(ConformanceReport report, Stream output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var suite = $"meshinterop.conformance.{ConformanceJsonReport.Word(report.Role)}.{ConformanceJsonReport.Word(report.Envelope)}";
        var failures = report.Count(ConformanceOutcome.Failed).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var errors = report.Count(ConformanceOutcome.Error).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var skipped = report.Count(ConformanceOutcome.NotApplicable).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tests = report.Results.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var time = ConformanceJsonReport.Seconds(report.Duration);
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, CloseOutput = false, Encoding = new System.Text.UTF8Encoding(false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "meshinterop-conformance");
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteAttributeString("errors", errors);
        xml.WriteAttributeString("skipped", skipped);
        xml.WriteAttributeString("time", time);
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", suite);
        xml.WriteAttributeString("tests", tests);
        xml.WriteAttributeString("failures", failures);
        xml.WriteAttributeString("errors", errors);
        xml.WriteAttributeString("skipped", skipped);
        xml.WriteAttributeString("time", time);
        xml.WriteAttributeString("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteStartElement("properties");
        WriteProperty(xml, "target", report.Target);
        WriteProperty(xml, "role", ConformanceJsonReport.Word(report.Role));
        WriteProperty(xml, "envelope", ConformanceJsonReport.Word(report.Envelope));
        WriteProperty(xml, "resourceVersion", ConformanceJsonReport.Word(report.ResourceVersion));
        WriteProperty(xml, "conforms", report.Conforms ? "true" : "false");
        xml.WriteEndElement();
        foreach (var result in report.Results)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", suite);
            xml.WriteAttributeString("name", result.Case.Id);
            xml.WriteAttributeString("time", ConformanceJsonReport.Seconds(result.Duration));
            var level = $"[{result.Case.Level}, case {result.Case.Number}, {result.Case.SpecReference}] ";
            switch (result.Outcome)
            {
                case ConformanceOutcome.Failed:
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", level + result.Message);
                    xml.WriteAttributeString("type", result.Case.Level == ConformanceLevel.Required ? "RequiredCaseFailed" : "OptionalCaseFailed");
                    xml.WriteString(result.Case.Behaviour);
                    xml.WriteEndElement();
                    break;
                case ConformanceOutcome.Error:
                    xml.WriteStartElement("error");
                    xml.WriteAttributeString("message", level + result.Message);
                    xml.WriteAttributeString("type", "KitError");
                    xml.WriteEndElement();
                    break;
                case ConformanceOutcome.NotApplicable:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", result.Message);
                    xml.WriteEndElement();
                    break;
            }

            if (!result.Evidence.IsEmpty)
            {
                xml.WriteElementString("system-out", string.Join('\n', result.Evidence));
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", value);
        xml.WriteEndElement();
    }
}
