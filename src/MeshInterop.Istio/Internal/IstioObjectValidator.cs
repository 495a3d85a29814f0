using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Internal;

/// <summary>The findings of all local validation layers for one object, as apply and render will run them.</summary>
internal sealed record IstioObjectFindings(IstioResource Resource, IReadOnlyList<ValidationIssue> Issues, IReadOnlyList<string> UncheckedRules)
{
    public bool IsValid => Issues.All(i => i.Severity != ValidationSeverity.Error);

    public override string ToString() =>
        $"{Resource.ResourceType.Kind} '{Resource.Metadata.Namespace}/{Resource.Metadata.Name}': {(Issues.Count == 0 ? "valid" : string.Join("; ", Issues))}";
}

/// <summary>
/// Runs the local validation layers over objects before they are applied or rendered: the structural schema and CEL
/// rules of the target release (when its CRDs are known) and the ported webhook rules. Without schemas (render mode
/// without <c>--crds</c>) the schema layer is reported as unchecked rather than silently skipped; a kind or version
/// missing from the schemas is an error, because the cluster would refuse it too.
/// </summary>
internal static class IstioObjectValidator
{
    public static IReadOnlyList<IstioObjectFindings> Validate(
        IEnumerable<IstioResource> resources, CrdSchemaSet? schemas, Func<IstioResourceType, IstioApiVersion> apiVersion)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(apiVersion);
        var findings = new List<IstioObjectFindings>();
        foreach (var resource in resources)
        {
            var json = resource.ToJsonObject(apiVersion(resource.ResourceType));
            var issues = new List<ValidationIssue>();
            var notChecked = new List<string>();
            if (schemas is null)
            {
                notChecked.Add("structural schema and CEL rules: no CRD schemas were given");
            }
            else if (schemas.TryGetSchemaFor(json, out var schema))
            {
                var result = schema.Validate(json);
                issues.AddRange(result.Issues);
                notChecked.AddRange(result.UncheckedRules);
            }
            else
            {
                issues.Add(new ValidationIssue("apiVersion", $"{json["apiVersion"]} {resource.ResourceType.Kind} is not served by the given CRDs"));
            }

            var webhook = IstioWebhookValidator.Validate(json);
            issues.AddRange(webhook.Issues);
            notChecked.AddRange(webhook.UncheckedRules);
            findings.Add(new IstioObjectFindings(resource, issues, notChecked));
        }

        return findings;
    }
}
