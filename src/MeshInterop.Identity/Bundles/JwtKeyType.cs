namespace MeshInterop.Identity.Bundles;

/// <summary>The key types a JWT authority may have (JWT-SVID algorithms RS*, PS* and ES*).</summary>
public enum JwtKeyType
{
    /// <summary>An RSA public key (JWK <c>kty</c> <c>RSA</c>), for RS256/384/512 and PS256/384/512.</summary>
    Rsa = 1,

    /// <summary>An elliptic-curve public key on P-256, P-384 or P-521 (JWK <c>kty</c> <c>EC</c>), for ES256/384/512.</summary>
    EllipticCurve = 2,
}
