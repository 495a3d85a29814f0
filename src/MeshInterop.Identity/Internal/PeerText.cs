namespace MeshInterop.Identity.Internal;

/// <summary>Makes text that a peer controls safe to put in an exception message or a log line.</summary>
internal static class PeerText
{
    private const int MaxShownLength = 64;

    /// <summary>Keeps peer-supplied text short and replaces control characters, so it cannot forge log lines.</summary>
    public static string Printable(string value)
    {
        var shown = value.Length > MaxShownLength ? value[..MaxShownLength] + "..." : value;
        return string.Create(shown.Length, shown, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }
}
