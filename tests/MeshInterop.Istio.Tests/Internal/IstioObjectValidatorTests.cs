using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Tests.Resources;
using MeshInterop.Istio.Tests.TestData;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Tests.Internal;

public sealed class IstioObjectValidatorTests
{
    [Fact]
    public void Validate_WorkedExampleAgainst1246_AllValid()
    {
        var findings = IstioObjectValidator.Validate(WorkedExample.All(), IstioCrds.For(ResearchData.Istio1246), _ => IstioApiVersion.V1);
        Assert.All(findings, f => Assert.True(f.IsValid, f.ToString()));
        Assert.Equal(5, findings.Count);
    }

    [Fact]
    public void Validate_WithoutSchemas_WebhookStillRunsAndSchemaLayerReportedUnchecked()
    {
        var bad = new Gateway
        {
            Metadata = new() { Name = "mi.gw", Namespace = "ns" },
            Spec = new() { Servers = [new() { Port = new() { Number = 443, Name = "tls", Protocol = "TLS" }, Hosts = ["a.example"] }] },
        };
        var finding = Assert.Single(IstioObjectValidator.Validate([bad], schemas: null, _ => IstioApiVersion.V1));
        Assert.False(finding.IsValid);
        Assert.Contains(finding.Issues, i => i.Path == "metadata.name");
        Assert.Contains(finding.Issues, i => i.Path == "spec.servers[0].tls");
        Assert.Contains("structural schema and CEL rules: no CRD schemas were given", finding.UncheckedRules);
    }

    [Fact]
    public void Validate_VersionNotServedByTheSchemas_Error()
    {
        var schemas = CrdSchemaSet.FromCustomResourceDefinitions([]);
        var finding = Assert.Single(IstioObjectValidator.Validate([WorkedExample.RatingsPeerAuthentication()], schemas, _ => IstioApiVersion.V1Beta1));
        var issue = Assert.Single(finding.Issues);
        Assert.Equal("apiVersion: security.istio.io/v1beta1 PeerAuthentication is not served by the given CRDs", issue.ToString());
    }
}
