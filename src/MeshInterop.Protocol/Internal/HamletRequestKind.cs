namespace MeshInterop.Protocol.Internal;

/// <summary>What a request after the initial subscription means (G3).</summary>
internal enum HamletRequestKind
{
    /// <summary>Status present with code 0, or status absent with a non-empty nonce.</summary>
    Ack,

    /// <summary>Status present with a non-zero code.</summary>
    Nack,

    /// <summary>Status absent and nonce empty: a repeated subscription, logged and ignored.</summary>
    DuplicateSubscribe,
}

/// <summary>Classifies the requests a consumer sends after its initial subscription.</summary>
internal static class HamletRequestClassifier
{
    public static HamletRequestKind Classify(Google.Rpc.Status? status, string? responseNonce) => status switch
    {
        { Code: 0 } => HamletRequestKind.Ack,
        not null => HamletRequestKind.Nack,
        null when !string.IsNullOrEmpty(responseNonce) => HamletRequestKind.Ack,
        null => HamletRequestKind.DuplicateSubscribe,
    };
}
