namespace MeshInterop.Protocol.Mapping;

/// <summary>Ports are uint32 on the wire and int in the catalog.</summary>
internal static class WirePort
{
    // A port beyond int's range is clamped rather than wrapped, so validation reports it as out of range
    // instead of seeing a negative number.
    public static int ToCatalog(uint port) => port > int.MaxValue ? int.MaxValue : (int)port;

    public static uint ToWire(int port) => port < 0 ? 0 : (uint)port;
}
