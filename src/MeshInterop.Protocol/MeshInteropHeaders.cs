using System.Globalization;

namespace MeshInterop.Protocol;

/// <summary>
/// The MeshInterop extensions to Hamlet. Both travel only in gRPC metadata, so plain Hamlet peers ignore
/// them, and a MeshInterop peer never requires them from its counterpart.
/// </summary>
public static class MeshInteropHeaders
{
    /// <summary>
    /// Response header from the owner: the number of responses that make up the initial snapshot, sent
    /// before the first response, also when it is 0. Lets the consumer sweep stale imports exactly.
    /// </summary>
    public const string SnapshotCount = "x-meshinterop-snapshot-count";

    /// <summary>
    /// Request header from the consumer: how many responses the owner may keep unanswered at once. Sent only
    /// when greater than 1; the owner caps it with its own maximum.
    /// </summary>
    public const string Window = "x-meshinterop-window";

    /// <summary>The largest window a consumer may ask for; larger values are treated as malformed.</summary>
    public const int MaxWindow = 1024;

    /// <summary>Reads a snapshot-count header value.</summary>
    /// <param name="value">The header value, or <see langword="null"/> when absent.</param>
    /// <param name="count">The announced snapshot size.</param>
    /// <returns><see langword="false"/> when the header is absent, malformed or negative: the consumer then falls back to the grace-period sweep.</returns>
    public static bool TryParseSnapshotCount(string? value, out int count) =>
        TryParseDecimal(value, out count);

    /// <summary>Computes the window an owner grants for a consumer's window header.</summary>
    /// <param name="value">The header value, or <see langword="null"/> when absent.</param>
    /// <param name="ownerMaxWindow">The owner's own maximum.</param>
    /// <returns>The granted window: 1 when the header is absent, malformed or outside 1 to <see cref="MaxWindow"/>, else the smaller of the two.</returns>
    public static int GrantWindow(string? value, int ownerMaxWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ownerMaxWindow, 1);
        return TryParseDecimal(value, out var requested) && requested is >= 1 and <= MaxWindow
            ? Math.Min(requested, ownerMaxWindow)
            : 1;
    }

    // ASCII decimal digits only: no sign, no white space, no thousands separators.
    private static bool TryParseDecimal(string? value, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
}
