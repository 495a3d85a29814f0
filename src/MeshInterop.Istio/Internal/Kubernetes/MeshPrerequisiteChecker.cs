using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using MeshInterop.Istio.Validation;

namespace MeshInterop.Istio.Internal.Kubernetes;

/// <summary>What the mesh-level check found: errors block cross-mesh mTLS, warnings weaken it, and some things cannot be seen from meshConfig.</summary>
internal sealed record MeshPrerequisiteReport(IReadOnlyList<ValidationIssue> Issues, IReadOnlyList<string> Unchecked)
{
    public bool IsReady => Issues.All(i => i.Severity != ValidationSeverity.Error);
}

/// <summary>
/// Reads meshConfig (ConfigMap <c>istio</c> or <c>istio-&lt;revision&gt;</c>, key <c>mesh</c>, in the Istio root
/// namespace) and reports, without ever changing it, whether the mesh accepts the peers' trust domains (reference
/// sections 6.4 and 8.6): each peer trust domain in <c>caCertificates[].trustDomains</c> with a root, not merely in
/// <c>trustDomainAliases</c>, and DNS capture on for import hosts.
/// </summary>
internal sealed class MeshPrerequisiteChecker(k8s.Kubernetes client)
{
    private const int MaxMeshConfigBytes = 1024 * 1024;

    public async Task<MeshPrerequisiteReport> CheckAsync(IEnumerable<string> peerTrustDomains, string rootNamespace, string? revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peerTrustDomains);
        var issues = new List<ValidationIssue>();
        var notChecked = new List<string>
        {
            "ISTIO_MULTIROOT_MESH=true on istiod (an environment variable of its Deployment): without it proxies never receive the roots in caCertificates",
        };
        var name = string.IsNullOrEmpty(revision) || revision == "default" ? "istio" : "istio-" + revision;
        var where = $"ConfigMap '{rootNamespace}/{name}'";
        k8s.Models.V1ConfigMap map;
        try
        {
            map = await client.CoreV1.ReadNamespacedConfigMapAsync(name, rootNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            issues.Add(new ValidationIssue(where, "not found: is Istio installed, with this root namespace and revision?"));
            return new MeshPrerequisiteReport(issues, notChecked);
        }
        catch (HttpOperationException ex)
        {
            throw KubernetesApiException.From(ex, $"Read of {where}");
        }

        if (map.Data is null || !map.Data.TryGetValue("mesh", out var text) || text.Length > MaxMeshConfigBytes)
        {
            issues.Add(new ValidationIssue(where + " data.mesh", "missing or larger than 1 MiB; meshConfig cannot be checked"));
            return new MeshPrerequisiteReport(issues, notChecked);
        }

        JsonObject mesh;
        try
        {
            mesh = YamlJson.ReadDocuments(text).OfType<JsonObject>().FirstOrDefault() ?? [];
        }
        catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or FormatException or InvalidDataException)
        {
            issues.Add(new ValidationIssue(where + " data.mesh", "is not valid YAML: " + ex.Message));
            return new MeshPrerequisiteReport(issues, notChecked);
        }

        var accepted = new HashSet<string>(StringComparer.Ordinal);
        var anyCaCertificates = false;
        foreach (var ca in (mesh["caCertificates"] as JsonArray ?? []).OfType<JsonObject>())
        {
            anyCaCertificates = true;
            var hasRoot = ca["pem"] is JsonValue || ca["spiffeBundleUrl"] is JsonValue;
            foreach (var td in (ca["trustDomains"] as JsonArray ?? []).OfType<JsonValue>().Select(v => v.ToString()))
            {
                if (hasRoot)
                    accepted.Add(td);
            }
        }

        var aliases = (mesh["trustDomainAliases"] as JsonArray ?? []).OfType<JsonValue>().Select(v => v.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var td in peerTrustDomains.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (aliases.Contains(td))
                issues.Add(new ValidationIssue("meshConfig.trustDomainAliases", $"'{td}' is an alias of the local trust domain: its identities merge with local ones (principals are rewritten); list it in caCertificates[].trustDomains instead", ValidationSeverity.Warning));
            if (!accepted.Contains(td))
                issues.Add(new ValidationIssue("meshConfig.caCertificates", $"no entry lists trust domain '{td}' with a root (pem or spiffeBundleUrl); inbound mTLS from that peer is refused"));
        }

        if (anyCaCertificates)
        {
            issues.Add(new ValidationIssue("meshConfig.caCertificates", "the roots form one flat pool: a peer's root could sign identities of any accepted trust domain, the local one included; bind roots per domain with SPIRE federation or use the gateway-terminated mode", ValidationSeverity.Warning));
        }

        var dnsCapture = (string?)(mesh["defaultConfig"]?["proxyMetadata"]?["ISTIO_META_DNS_CAPTURE"] as JsonValue)?.ToString();
        if (!string.Equals(dnsCapture, "true", StringComparison.OrdinalIgnoreCase))
            issues.Add(new ValidationIssue("meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE", "is not \"true\": import hosts unknown to kube-dns do not resolve unless each workload enables DNS capture itself", ValidationSeverity.Warning));

        return new MeshPrerequisiteReport(issues, notChecked);
    }
}
