using System.CommandLine;
using System.Globalization;
using Google.Protobuf.Reflection;
using V1Alpha1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V1Alpha2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// <c>meshinterop protocol</c>: prints the Hamlet wire contract as compiled into this build, read from the
/// generated protobuf descriptors, so operators can compare it with a peer's implementation.
/// </summary>
internal static class ProtocolCommand
{
    public static Command Create()
    {
        var command = new Command("protocol", "Print the Hamlet wire contract compiled into this build: gRPC method paths, resource type URLs and every message field.");
        command.SetAction(parseResult => Describe(parseResult.InvocationConfiguration.Output));
        return command;
    }

    private static int Describe(TextWriter output)
    {
        FileDescriptor[] files =
        [
            V1Alpha1.ResourceDiscoveryV1Alpha1Reflection.Descriptor,
            V1Alpha2.ResourceDiscoveryV1Alpha2Reflection.Descriptor,
            V1Alpha1.FederatedServiceV1Alpha1Reflection.Descriptor,
            V1Alpha2.FederatedServiceV1Alpha2Reflection.Descriptor,
        ];

        foreach (var file in files)
        {
            output.WriteLine($"package {file.Package} ({file.Name})");
            foreach (var service in file.Services)
            {
                foreach (var method in service.Methods)
                {
                    var streaming = method.IsClientStreaming && method.IsServerStreaming ? "bidirectional stream" : "unary or one-way stream";
                    output.WriteLine($"  rpc /{service.FullName}/{method.Name}  ({method.InputType.Name} -> {method.OutputType.Name}, {streaming})");
                }
            }

            foreach (var message in file.MessageTypes)
            {
                WriteMessage(output, message, indent: "  ");
            }

            output.WriteLine();
        }

        return 0;
    }

    private static void WriteMessage(TextWriter output, MessageDescriptor message, string indent)
    {
        // Only the resource types travel inside an Any, so only they have a type URL on the wire.
        var typeUrl = message.File.Package.StartsWith("federation.types.", StringComparison.Ordinal) && message.ContainingType is null
            ? "  [type.googleapis.com/" + message.FullName + "]"
            : string.Empty;
        output.WriteLine($"{indent}message {message.FullName}{typeUrl}");
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}  {field.FieldNumber,2} {field.Name}: {DescribeType(field)}"));
        }

        foreach (var nested in message.EnumTypes)
        {
            var values = string.Join(", ", nested.Values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Name}={v.Number}")));
            output.WriteLine($"{indent}  enum {nested.Name} {{ {values} }}");
        }

        foreach (var nested in message.NestedTypes.Where(n => !n.GetOptions()?.MapEntry ?? true))
        {
            WriteMessage(output, nested, indent + "  ");
        }
    }

    private static string DescribeType(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            var entry = field.MessageType;
            return $"map<{DescribeType(entry.FindFieldByNumber(1))}, {DescribeType(entry.FindFieldByNumber(2))}>";
        }

        var type = field.FieldType switch
        {
            FieldType.Message => field.MessageType.FullName,
            FieldType.Enum => field.EnumType.FullName,
            _ => field.FieldType.ToString().ToLowerInvariant(),
        };
        return field.IsRepeated ? "repeated " + type : type;
    }
}
