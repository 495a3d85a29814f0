using System.Text.Json;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace MeshInterop.Federation.Internal;

/// <summary>Writes the JSON status document, and keeps it off the federation listener.</summary>
internal static class StatusDocument
{
    /// <summary>The connection item that marks a connection accepted by the federation or the bundle listener.</summary>
    internal const string AgentListenerItem = "MeshInterop.Federation.Listener";

    public static async Task WriteAsync(HttpContext context, FederationAgent agent, IMeshFederationStatus status)
    {
        // Peers must not learn about each other: the status answers only on the host's other listeners.
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(AgentListenerItem) == true)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("mesh", agent.Options.MeshName);
        json.WriteString("trustDomain", agent.TrustDomain.Name);
        json.WriteString("agentSpiffeId", agent.AgentId.ToString());
        json.WriteBoolean("leader", status.IsLeader);
        json.WriteNumber("localServices", status.LocalServices);
        json.WriteNumber("importedServices", status.ImportedServices);
        if (agent.LocalBundle.LastError is { } bundleError)
            json.WriteString("bundleError", bundleError);
        json.WriteStartArray("peers");
        foreach (var peer in status.Peers)
        {
            json.WriteStartObject();
            json.WriteString("name", peer.Name);
            json.WriteString("state", peer.State.ToString());
            json.WriteBoolean("connected", peer.IsConnected);
            json.WriteBoolean("retrying", peer.IsRetrying);
            WriteTime(json, "lastFullSync", peer.LastFullSync);
            WriteTime(json, "lastChange", peer.LastChange);
            if (peer.LastError is null)
                json.WriteNull("lastError");
            else
                json.WriteString("lastError", peer.LastError);
            json.WriteNumber("reconnects", peer.Reconnects);
            json.WriteNumber("importedServices", peer.ImportedServices);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } time)
            json.WriteString(name, time);
        else
            json.WriteNull(name);
    }
}
