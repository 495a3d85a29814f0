using System.Collections.Immutable;
using System.Text.Encodings.Web;
using System.Text.Json;
using MeshInterop.Catalog;

namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>
/// Writes entries in the catalog file format <see cref="CatalogFileParser"/> reads: services in key order, only
/// the fields that differ from their defaults, so the same content always gives the same bytes.
/// </summary>
internal static class CatalogFileWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,

        // People read these files; the relaxed encoder keeps '+' and non-ASCII text readable, and it still escapes
        // everything JSON requires.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(IEnumerable<CatalogEntry> entries)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("services");
            foreach (var entry in entries.OrderBy(e => e.Key))
            {
                WriteEntry(writer, entry);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    private static void WriteEntry(Utf8JsonWriter writer, CatalogEntry entry)
    {
        writer.WriteStartObject();
        if (!string.Equals(entry.Key.Name, entry.Name, StringComparison.Ordinal))
        {
            writer.WriteString("key", entry.Key.Name);
        }

        WriteIfSet(writer, "name", entry.Name);
        WriteIfSet(writer, "fqdn", entry.Fqdn);
        WriteIfSet(writer, "description", entry.Description);
        WriteIfSet(writer, "tags", entry.Tags);
        WriteIfSet(writer, "labels", entry.Labels);
        WriteIfSet(writer, "subjectAlternativeNames", entry.SubjectAlternativeNames);
        WriteIfSet(writer, "protocols", entry.Protocols);
        WriteIfSet(writer, "sni", entry.Sni);
        WriteObjects(writer, "endpoints", entry.Endpoints, static (writer, endpoint) =>
        {
            writer.WriteString("address", endpoint.Address);
            writer.WriteNumber("port", endpoint.Port);
            WriteIfSet(writer, "labels", endpoint.Labels);
            WriteIfSet(writer, "description", endpoint.Description);
        });
        WriteObjects(writer, "instances", entry.Instances, static (writer, instance) =>
        {
            writer.WriteString("id", instance.Id);
            writer.WriteString("protocol", instance.Protocol);
            WriteIfSet(writer, "metadata", instance.Metadata);
            WriteIfSet(writer, "endpointSelector", instance.EndpointSelector);
            WriteIfSet(writer, "description", instance.Description);
        });
        WriteObjects(writer, "ports", entry.Ports, static (writer, port) =>
        {
            WriteIfSet(writer, "name", port.Name);
            writer.WriteNumber("port", port.Port);
            WriteIfSet(writer, "protocol", port.Protocol);
            if (port.TargetPort != 0)
            {
                writer.WriteNumber("targetPort", port.TargetPort);
            }
        });

        if (entry.Locality is { } locality)
        {
            writer.WriteStartObject("locality");
            WriteIfSet(writer, "region", locality.Region);
            WriteIfSet(writer, "zone", locality.Zone);
            WriteIfSet(writer, "subzone", locality.Subzone);
            writer.WriteEndObject();
        }

        if (entry.Health != ServiceHealth.Unknown)
        {
            writer.WriteString("health", HealthName(entry.Health));
        }

        if (!entry.Origin.IsLocal)
        {
            writer.WriteStartObject("origin");
            writer.WriteString("peer", entry.Origin.PeerName);
            writer.WriteString("key", entry.Origin.RemoteKey.Name);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    internal static string HealthName(ServiceHealth health) => health switch
    {
        ServiceHealth.Passing => "passing",
        ServiceHealth.Warning => "warning",
        ServiceHealth.Critical => "critical",
        _ => "unknown",
    };

    private static void WriteObjects<T>(Utf8JsonWriter writer, string name, ImmutableArray<T> items, Action<Utf8JsonWriter, T> writeMembers)
    {
        if (items.IsEmpty)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStartObject();
            writeMembers(writer, item);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, ImmutableArray<string> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, StringMap map)
    {
        if (map.IsEmpty)
        {
            return;
        }

        writer.WriteStartObject(name);
        foreach (var pair in map.Pairs)
        {
            writer.WriteString(pair.Key, pair.Value);
        }

        writer.WriteEndObject();
    }
}
