using System.Text.Json.Nodes;
using MeshInterop.Istio.Internal.Webhook;

namespace MeshInterop.Istio.Validation;

/// <summary>
/// The rules istiod's validating webhook applies beyond the CRD schema, ported to C# for the kinds the adapter emits
/// (ServiceEntry, WorkloadEntry, DestinationRule, Gateway, VirtualService, PeerAuthentication, AuthorizationPolicy).
/// Errors would reject the object; warnings would come back as <c>Warning</c> headers. Run it after the structural
/// schema check: it assumes well-typed input and skips values of the wrong type, which the schema reports.
/// </summary>
public static class IstioWebhookValidator
{
    private static readonly HashSet<string> Kinds = new(StringComparer.Ordinal)
    {
        "ServiceEntry", "WorkloadEntry", "DestinationRule", "Gateway", "VirtualService", "PeerAuthentication", "AuthorizationPolicy",
    };

    /// <summary>Returns whether rules for a kind are ported.</summary>
    /// <param name="kind">The kind, for example <c>ServiceEntry</c>.</param>
    /// <returns><see langword="true"/> for the seven kinds the adapter emits.</returns>
    public static bool Supports(string? kind) => kind is not null && Kinds.Contains(kind);

    /// <summary>Validates one object; every finding names the JSON path of the field.</summary>
    /// <param name="obj">The whole object, with <c>kind</c>, <c>metadata</c> and <c>spec</c>.</param>
    /// <returns>
    /// The findings. For a kind without ported rules the result has no issues and lists the kind in
    /// <see cref="ValidationResult.UncheckedRules"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is <see langword="null"/>.</exception>
    public static ValidationResult Validate(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var kind = WebhookContext.Text(obj["kind"]);
        if (!Supports(kind))
            return new ValidationResult([], [$"istiod webhook rules for kind '{kind}' are not ported"]);

        var context = new WebhookContext(WebhookContext.Text(obj["metadata"]?["namespace"]) ?? string.Empty);
        var name = WebhookContext.Text(obj["metadata"]?["name"]);
        if (string.IsNullOrEmpty(name))
            context.Error("metadata.name", "Required value: name");
        else if (!IstioNames.IsDns1123Subdomain(name))
            context.Error("metadata.name", $"Invalid value: \"{name}\": must be a lowercase RFC 1123 subdomain");
        SharedRules.Labels(context, obj["metadata"]?["labels"], "metadata.labels");

        // A missing spec is the schema's finding ("spec: Required value") for the kinds that require one.
        var spec = obj["spec"] as JsonObject;
        if (spec is null && obj["spec"] is null && kind is not ("ServiceEntry" or "WorkloadEntry"))
            spec = [];
        if (spec is not null)
        {
            switch (kind)
            {
                case "ServiceEntry":
                    ServiceEntryRules.ServiceEntry(context, spec, obj);
                    break;
                case "WorkloadEntry":
                    ServiceEntryRules.WorkloadEntry(context, spec);
                    break;
                case "DestinationRule":
                    DestinationRuleRules.DestinationRule(context, spec);
                    break;
                case "Gateway":
                    GatewayRules.Gateway(context, spec, obj);
                    break;
                case "VirtualService":
                    VirtualServiceRules.VirtualService(context, spec);
                    break;
                case "PeerAuthentication":
                    SecurityRules.PeerAuthentication(context, spec);
                    break;
                case "AuthorizationPolicy":
                    SecurityRules.AuthorizationPolicy(context, spec);
                    break;
                default:
                    break;
            }
        }

        return new ValidationResult(context.Issues, []);
    }
}
