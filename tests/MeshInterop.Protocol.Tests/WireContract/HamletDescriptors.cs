using Google.Protobuf.Reflection;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.WireContract;

internal static class HamletDescriptors
{
    public static readonly IReadOnlyList<FileDescriptor> Files =
    [
        V1.ResourceDiscoveryV1Alpha1Reflection.Descriptor,
        V2.ResourceDiscoveryV1Alpha2Reflection.Descriptor,
        V1.FederatedServiceV1Alpha1Reflection.Descriptor,
        V2.FederatedServiceV1Alpha2Reflection.Descriptor,
    ];

    public static DescriptorProto MessageProto(FileDescriptor file, string name) =>
        FileDescriptorProto.Parser.ParseFrom(file.SerializedData).MessageType.Single(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}
