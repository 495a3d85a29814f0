using System.Net;
using System.Text.Json;

namespace MeshInterop.Istio.Internal.Kubernetes;

/// <summary>One entry of a Kubernetes <c>Status.details.causes</c>.</summary>
internal sealed record KubernetesStatusCause(string? Field, string? Reason, string? Message)
{
    public override string ToString() => Field is null ? $"{Message}" : $"{Field}: {Message}";
}

/// <summary>An API server answer other than success, with the <c>Status</c> body's reason and causes.</summary>
internal sealed class KubernetesApiException(HttpStatusCode statusCode, string? reason, string message, IReadOnlyList<KubernetesStatusCause> causes, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Gets the <c>Status.reason</c>, for example <c>Conflict</c>, <c>Invalid</c> or <c>NotFound</c>.</summary>
    public string? Reason { get; } = reason;

    public IReadOnlyList<KubernetesStatusCause> Causes { get; } = causes;

    /// <summary>Builds the exception from a KubernetesClient failure, reading the <c>Status</c> body when there is one.</summary>
    public static KubernetesApiException From(k8s.Autorest.HttpOperationException error, string operation)
    {
        var status = error.Response.StatusCode;
        string? reason = null;
        var message = $"{operation} failed with HTTP {(int)status}.";
        var causes = new List<KubernetesStatusCause>();
        try
        {
            using var document = JsonDocument.Parse(error.Response.Content ?? "{}");
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                reason = Text(root, "reason");
                if (Text(root, "message") is { } text)
                    message = $"{operation} failed with HTTP {(int)status} ({reason}): {text}";
                if (root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object
                    && details.TryGetProperty("causes", out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var cause in list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object))
                        causes.Add(new KubernetesStatusCause(Text(cause, "field"), Text(cause, "reason"), Text(cause, "message")));
                }
            }
        }
        catch (JsonException)
        {
            // Not a Status body (a proxy's HTML page, say): the HTTP status alone describes the failure.
        }

        return new KubernetesApiException(status, reason, message, causes, error);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
