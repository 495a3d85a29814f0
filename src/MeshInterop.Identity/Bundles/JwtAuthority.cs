using System.Security.Cryptography;
using MeshInterop.Identity.Internal;

namespace MeshInterop.Identity.Bundles;

/// <summary>
/// One JWT authority of a trust domain: a public key and the key ID (<c>kid</c>) that JWT-SVIDs name it by.
/// </summary>
/// <remarks>Immutable: the key parameters are copied in and copied out.</remarks>
public sealed class JwtAuthority
{
    internal JwtAuthority(string keyId, JwkKeyMaterial key)
    {
        KeyId = keyId;
        Key = key;
    }

    /// <summary>Gets the key ID (<c>kid</c>).</summary>
    public string KeyId { get; }

    /// <summary>Gets the key type.</summary>
    public JwtKeyType KeyType => Key.KeyType;

    /// <summary>Gets the JWK curve name of an elliptic-curve key.</summary>
    /// <value><c>P-256</c>, <c>P-384</c> or <c>P-521</c>; <see langword="null"/> for RSA keys.</value>
    public string? Curve => Key.Curve;

    /// <summary>Creates an RSA authority.</summary>
    /// <param name="keyId">The key ID.</param>
    /// <param name="parameters">The public key; only <see cref="RSAParameters.Modulus"/> and <see cref="RSAParameters.Exponent"/> are used.</param>
    /// <returns>The authority.</returns>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is empty, or the modulus or exponent is missing.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is <see langword="null"/>.</exception>
    public static JwtAuthority FromRsa(string keyId, RSAParameters parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (parameters.Modulus is not { Length: > 0 } || parameters.Exponent is not { Length: > 0 })
        {
            throw new ArgumentException("An RSA public key needs a modulus and an exponent.", nameof(parameters));
        }

        var key = new JwkKeyMaterial(JwtKeyType.Rsa, null, JwkKeyMaterial.TrimLeadingZeros([.. parameters.Modulus]), JwkKeyMaterial.TrimLeadingZeros([.. parameters.Exponent]));
        return new JwtAuthority(keyId, key);
    }

    /// <summary>Creates an elliptic-curve authority on P-256, P-384 or P-521.</summary>
    /// <param name="keyId">The key ID.</param>
    /// <param name="parameters">The public key; the curve must be one of the named NIST curves.</param>
    /// <returns>The authority.</returns>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is empty, the curve is not P-256, P-384 or P-521, a coordinate is missing or of the wrong size, or the point is not on the curve.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is <see langword="null"/>.</exception>
    public static JwtAuthority FromECDsa(string keyId, ECParameters parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        var curve = JwkKeyMaterial.CurveName(parameters.Curve)
            ?? throw new ArgumentException("Only the named curves P-256, P-384 and P-521 are supported.", nameof(parameters));
        var size = JwkKeyMaterial.CoordinateSize(curve);
        if (parameters.Q.X?.Length != size || parameters.Q.Y?.Length != size)
        {
            throw new ArgumentException($"The coordinates of a {curve} key must be {size} bytes each.", nameof(parameters));
        }

        var key = new JwkKeyMaterial(JwtKeyType.EllipticCurve, curve, [.. parameters.Q.X], [.. parameters.Q.Y]);
        return key.IsUsable()
            ? new JwtAuthority(keyId, key)
            : throw new ArgumentException($"The public point is not on {curve}.", nameof(parameters));
    }

    /// <summary>Gets a copy of the RSA public key parameters.</summary>
    /// <returns>The modulus and exponent.</returns>
    /// <exception cref="InvalidOperationException">The authority is not an RSA key.</exception>
    public RSAParameters ExportRsaParameters() => KeyType == JwtKeyType.Rsa
        ? new RSAParameters { Modulus = [.. Key.First], Exponent = [.. Key.Second] }
        : throw new InvalidOperationException($"Authority '{KeyId}' is not an RSA key.");

    /// <summary>Gets a copy of the elliptic-curve public key parameters.</summary>
    /// <returns>The curve and the public point.</returns>
    /// <exception cref="InvalidOperationException">The authority is not an elliptic-curve key.</exception>
    public ECParameters ExportECParameters() => KeyType == JwtKeyType.EllipticCurve
        ? new ECParameters { Curve = JwkKeyMaterial.NamedCurve(Curve!), Q = new ECPoint { X = [.. Key.First], Y = [.. Key.Second] } }
        : throw new InvalidOperationException($"Authority '{KeyId}' is not an elliptic-curve key.");

    /// <summary>Determines whether another authority has the same key ID and the same public key.</summary>
    /// <param name="other">The other authority.</param>
    /// <returns><see langword="true"/> when both are the same key under the same ID.</returns>
    public bool ContentEquals(JwtAuthority? other)
        => other is not null
        && string.Equals(KeyId, other.KeyId, StringComparison.Ordinal)
        && Key.SameKey(other.Key);

    internal JwkKeyMaterial Key { get; }
}
