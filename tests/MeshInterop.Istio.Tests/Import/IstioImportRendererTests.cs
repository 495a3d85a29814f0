using System.Text;
using System.Text.Json.Nodes;
using MeshInterop.Catalog;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Tests.TestData;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Istio.Tests.Import;

/// <summary>
/// Render mode: one golden file per scenario of the reference (regenerate with <c>MESHINTEROP_UPDATE_GOLDEN=1</c>),
/// every rendered object valid against both shipped Istio releases in both API versions, and render identical to apply.
/// </summary>
public sealed class IstioImportRendererTests
{
    public static TheoryData<string> Scenarios => [.. ImportScenarios.Names];

    public static TheoryData<string, string, IstioApiVersion> Matrix()
    {
        var data = new TheoryData<string, string, IstioApiVersion>();
        foreach (var scenario in ImportScenarios.Names)
        {
            foreach (var release in IstioCrds.Releases)
            {
                data.Add(scenario, release, IstioApiVersion.V1);
                data.Add(scenario, release, IstioApiVersion.V1Beta1);
            }
        }

        return data;
    }

    /// <summary>The golden text: the problems as YAML comments, then the objects.</summary>
    internal static string GoldenText(IstioRenderResult result)
    {
        var text = new StringBuilder();
        foreach (var line in result.Errors.Concat(result.Warnings))
            text.Append("# ").Append(line).Append('\n');
        return text.Append(result.Yaml).ToString();
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Render_Scenario_MatchesGoldenFile(string scenario)
    {
        var (entries, options, render) = ImportScenarios.Get(scenario);

        var result = IstioImportRenderer.Render(entries, options, render);

        Golden.AssertMatches(GoldenText(result), "import-" + scenario + ".yaml");
        Assert.Equal(scenario == "conflict", !result.IsValid);
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Render_EveryScenario_ValidAgainstBothReleasesAndVersions(string scenario, string release, IstioApiVersion version)
    {
        var (entries, options, render) = ImportScenarios.Get(scenario);
        render.Schemas = IstioCrds.For(release);
        render.ApiVersion = version;

        var result = IstioImportRenderer.Render(entries, options, render);

        Assert.NotEmpty(result.Resources);
        Assert.DoesNotContain(result.Errors, e => e.Contains("fails validation", StringComparison.Ordinal) || e.Contains("left out:", StringComparison.Ordinal));
        Assert.DoesNotContain(result.UncheckedRules, r => !r.Contains("oldSelf", StringComparison.Ordinal));
        Assert.All(result.Resources, r => Assert.Equal(r.ResourceType.ApiVersion(version), (string?)r.ToJsonObject(version)["apiVersion"]));
    }

    [Fact]
    public void Render_WithoutSchemas_SaysTheSchemaWasNotChecked()
    {
        var (entries, options, render) = ImportScenarios.Get("istio-peer");

        var result = IstioImportRenderer.Render(entries, options, render);

        Assert.Contains(result.UncheckedRules, r => r.Contains("no CRD schemas", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Render_Scenario_IdenticalToWhatApplyStores(string scenario)
    {
        var ct = TestContext.Current.CancellationToken;
        var (entries, options, render) = ImportScenarios.Get(scenario);
        await using var server = await Kubernetes.FakeIstioCluster.StartCurrentAsync(ct);
        Kubernetes.FakeIstioCluster.AddCoreAndCrds(server);
        foreach (var local in render.LocalServices)
        {
            server.Seed("services", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = local.Name, ["namespace"] = local.Namespace },
                ["spec"] = new JsonObject
                {
                    ["selector"] = new JsonObject([.. local.Selector.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))]),
                    ["ports"] = new JsonArray([.. local.PortNames.Select(p => (JsonNode)new JsonObject { ["name"] = p.Value, ["port"] = p.Key })]),
                },
            }, manager: "kubectl");
        }

        using var client = Kubernetes.FakeIstioCluster.Client(server);
        using var sink = new IstioCatalogSink(client, Options.Create(options), new FakeTimeProvider(), NullLogger<IstioCatalogSink>.Instance);
        var snapshot = CatalogSnapshot.Create(ImportScenarios.Before(scenario));
        await sink.ReconcileAsync(snapshot, ct);
        var desired = snapshot.ReplaceAll(entries);
        await sink.ReconcileAsync(desired, ct);
        render.Revision = desired.Revision;

        var rendered = IstioImportRenderer.Render(entries, options, render).Resources.Select(r => Strip(r.ToJsonObject(IstioApiVersion.V1))).Order(StringComparer.Ordinal);
        var stored = ((string[])["serviceentries", "destinationrules", "workloadentries"])
            .SelectMany(p => server.List("networking.istio.io", p))
            .Select(Strip).Order(StringComparer.Ordinal);

        Assert.Equal(rendered, stored);
    }

    private static string Strip(JsonObject obj)
    {
        var metadata = obj["metadata"]!.AsObject();
        foreach (var field in (string[])["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"])
            metadata.Remove(field);

        // Objects that did not change keep the revision they were written at; render states the current one.
        if (metadata["annotations"]?["meshinterop.io/catalog-revision"] is not null)
            metadata["annotations"]!["meshinterop.io/catalog-revision"] = "*";
        return obj.ToJsonString();
    }
}
