using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Internal;

/// <summary>
/// The public key parameters of a JWK (<c>n</c>/<c>e</c> or <c>crv</c>/<c>x</c>/<c>y</c>), in a form that
/// compares by value. Big-endian integers are kept without leading zero bytes, as JWK requires.
/// </summary>
internal sealed record JwkKeyMaterial(JwtKeyType KeyType, string? Curve, byte[] First, byte[] Second)
{
    public const string P256 = "P-256";
    public const string P384 = "P-384";
    public const string P521 = "P-521";

    public bool SameKey(JwkKeyMaterial other)
        => KeyType == other.KeyType
        && string.Equals(Curve, other.Curve, StringComparison.Ordinal)
        && First.AsSpan().SequenceEqual(other.First)
        && Second.AsSpan().SequenceEqual(other.Second);

    /// <summary>Reads the key of a certificate; <see langword="null"/> for algorithms other than RSA and P-256/384/521.</summary>
    public static JwkKeyMaterial? FromCertificate(X509Certificate2 certificate)
    {
        using (var rsa = certificate.GetRSAPublicKey())
        {
            if (rsa is not null)
            {
                var parameters = rsa.ExportParameters(includePrivateParameters: false);
                return new JwkKeyMaterial(JwtKeyType.Rsa, null, TrimLeadingZeros(parameters.Modulus!), TrimLeadingZeros(parameters.Exponent!));
            }
        }

        using var ec = certificate.GetECDsaPublicKey();
        if (ec is null)
        {
            return null;
        }

        var ecParameters = ec.ExportParameters(includePrivateParameters: false);
        var curve = CurveName(ecParameters.Curve);
        return curve is null ? null : new JwkKeyMaterial(JwtKeyType.EllipticCurve, curve, ecParameters.Q.X!, ecParameters.Q.Y!);
    }

    /// <summary>Whether a JWK object carries any key parameter member.</summary>
    public static bool HasKeyParameters(JsonElement jwk)
        => jwk.TryGetProperty("n"u8, out _) || jwk.TryGetProperty("e"u8, out _) || jwk.TryGetProperty("crv"u8, out _)
        || jwk.TryGetProperty("x"u8, out _) || jwk.TryGetProperty("y"u8, out _);

    /// <summary>Reads the key parameters of a JWK whose <c>kty</c> is known; <see langword="null"/> with a reason when they are invalid.</summary>
    public static JwkKeyMaterial? FromJwk(JsonElement jwk, JwtKeyType keyType, out string? problem)
    {
        if (keyType == JwtKeyType.Rsa)
        {
            var modulus = ReadBase64Url(jwk, "n", out problem);
            var exponent = modulus is null ? null : ReadBase64Url(jwk, "e", out problem);
            if (modulus is null || exponent is null)
            {
                return null;
            }

            var trimmedModulus = TrimLeadingZeros(modulus);
            var trimmedExponent = TrimLeadingZeros(exponent);
            if (trimmedModulus.Length == 0 || trimmedExponent.Length == 0)
            {
                problem = "the RSA modulus and exponent must be non-zero";
                return null;
            }

            return new JwkKeyMaterial(JwtKeyType.Rsa, null, trimmedModulus, trimmedExponent);
        }

        if (!jwk.TryGetProperty("crv"u8, out var curveElement) || curveElement.ValueKind != JsonValueKind.String)
        {
            problem = "'crv' is missing or not a string";
            return null;
        }

        var curve = curveElement.GetString();
        var size = CoordinateSize(curve);
        if (size == 0)
        {
            problem = $"curve '{curve}' is not P-256, P-384 or P-521";
            return null;
        }

        var x = ReadBase64Url(jwk, "x", out problem);
        var y = x is null ? null : ReadBase64Url(jwk, "y", out problem);
        if (x is null || y is null)
        {
            return null;
        }

        if (x.Length != size || y.Length != size)
        {
            problem = $"the coordinates of a {curve} key must be {size} bytes each";
            return null;
        }

        return new JwkKeyMaterial(JwtKeyType.EllipticCurve, curve, x, y);
    }

    /// <summary>Checks that the platform accepts the key (for EC keys this checks that the point is on the curve).</summary>
    public bool IsUsable()
    {
        try
        {
            if (KeyType == JwtKeyType.Rsa)
            {
                using var rsa = RSA.Create();
                rsa.ImportParameters(new RSAParameters { Modulus = First, Exponent = Second });
            }
            else
            {
                using var ecdsa = ECDsa.Create(new ECParameters { Curve = NamedCurve(Curve!), Q = new ECPoint { X = First, Y = Second } });
            }

            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static int CoordinateSize(string? curve) => curve switch
    {
        P256 => 32,
        P384 => 48,
        P521 => 66,
        _ => 0,
    };

    public static ECCurve NamedCurve(string curve) => curve switch
    {
        P256 => ECCurve.NamedCurves.nistP256,
        P384 => ECCurve.NamedCurves.nistP384,
        P521 => ECCurve.NamedCurves.nistP521,
        _ => throw new ArgumentOutOfRangeException(nameof(curve), curve, "Unsupported curve."),
    };

    public static string? CurveName(ECCurve curve)
    {
        if (!curve.IsNamed || curve.Oid is null)
        {
            return null;
        }

        // Compare the OID value, not the friendly name: friendly names differ between platforms.
        return curve.Oid.Value switch
        {
            "1.2.840.10045.3.1.7" => P256,
            "1.3.132.0.34" => P384,
            "1.3.132.0.35" => P521,
            _ => null,
        };
    }

    public static byte[] TrimLeadingZeros(byte[] value)
    {
        var start = value.AsSpan().IndexOfAnyExcept((byte)0);
        return start switch
        {
            0 => value,
            < 0 => [],
            _ => value[start..],
        };
    }

    private static byte[]? ReadBase64Url(JsonElement jwk, string name, out string? problem)
    {
        problem = null;
        if (!jwk.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            problem = $"'{name}' is missing or not a string";
            return null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(element.GetString());
            if (bytes.Length == 0)
            {
                problem = $"'{name}' is empty";
                return null;
            }

            return bytes;
        }
        catch (FormatException)
        {
            problem = $"'{name}' is not base64url";
            return null;
        }
    }
}
