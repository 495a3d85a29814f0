namespace MeshInterop.Identity;

/// <summary>
/// Opt-in relaxations of the strict SPIFFE ID grammar. The default, <see cref="Strict"/>, is right for every
/// identity taken from a certificate or token, where the signed bytes are the identity.
/// </summary>
[Flags]
public enum SpiffeIdParseOptions
{
    /// <summary>
    /// The prefix must be exactly <c>spiffe://</c>, the trust domain must be lowercase, and IDs longer than
    /// 2048 bytes are rejected with <see cref="SpiffeIdError.IdTooLong"/>.
    /// </summary>
    Strict = 0,

    /// <summary>
    /// Compare the scheme ASCII-case-insensitively and fold <c>A-Z</c> in the trust domain to <c>a-z</c>; the
    /// parsed value holds the lowercase canonical form. Meant for configuration input. Only ASCII letters are
    /// folded: characters that Unicode case mapping would turn into allowed ones (such as U+212A KELVIN SIGN)
    /// are still rejected.
    /// </summary>
    AllowUppercaseSchemeAndTrustDomain = 1,

    /// <summary>
    /// Accept SPIFFE IDs longer than 2048 bytes when parsing. The 255-byte trust domain limit still applies, and
    /// builders never produce IDs longer than 2048 bytes.
    /// </summary>
    AllowOverlongId = 2,
}
