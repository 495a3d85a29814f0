using System.Text;
using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Federation.Internal;

/// <summary>Reads a statically configured trust bundle (PEM or SPIFFE JSON, inline or from a file) for one trust domain.</summary>
internal static class TrustBundleLoader
{
    public static bool IsConfigured(MeshFederationTrustBundleOptions options) => Count(options) > 0;

    public static int Count(MeshFederationTrustBundleOptions options) =>
        (options.Pem is null ? 0 : 1) + (options.PemFile is null ? 0 : 1) + (options.Json is null ? 0 : 1) + (options.JsonFile is null ? 0 : 1);

    /// <summary>Loads the bundle; on failure <paramref name="property"/> names the property at fault and <paramref name="error"/> says why.</summary>
    public static bool TryLoad(MeshFederationTrustBundleOptions options, TrustDomain trustDomain, out SpiffeBundle? bundle, out string? property, out string? error)
    {
        bundle = null;
        error = null;
        property = null;
        try
        {
            if (options.Pem is { } pem)
            {
                property = nameof(options.Pem);
                bundle = FromX509(X509Bundle.ParsePem(trustDomain, pem));
            }
            else if (options.PemFile is { } pemFile)
            {
                property = nameof(options.PemFile);
                bundle = FromX509(X509Bundle.ParsePem(trustDomain, ReadFile(pemFile)));
            }
            else if (options.Json is { } json)
            {
                property = nameof(options.Json);
                bundle = SpiffeBundle.Parse(Encoding.UTF8.GetBytes(json), trustDomain);
            }
            else if (options.JsonFile is { } jsonFile)
            {
                property = nameof(options.JsonFile);
                bundle = SpiffeBundle.Parse(Encoding.UTF8.GetBytes(ReadFile(jsonFile)), trustDomain);
            }
            else
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or SpiffeBundleFormatException or System.Security.Cryptography.CryptographicException)
        {
            property = PropertyOf(options);
            error = ex.Message;
            return false;
        }

        if (bundle.X509Bundle.Authorities.Count == 0)
        {
            error = $"the bundle holds no X.509 authority for '{trustDomain}'.";
            bundle = null;
            return false;
        }

        return true;
    }

    private static string PropertyOf(MeshFederationTrustBundleOptions options) =>
        options.Pem is not null ? nameof(options.Pem)
        : options.PemFile is not null ? nameof(options.PemFile)
        : options.Json is not null ? nameof(options.Json)
        : nameof(options.JsonFile);

    private static SpiffeBundle FromX509(X509Bundle x509) => new(x509, new JwtBundle(x509.TrustDomain, []));

    // A bundle file larger than a SPIFFE bundle document may be is not a bundle: refuse it before reading it whole.
    private static string ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"The file '{path}' does not exist.", path);
        if (info.Length > SpiffeBundle.MaxDocumentBytes)
            throw new IOException($"The file '{path}' is {info.Length} bytes, more than a bundle may be ({SpiffeBundle.MaxDocumentBytes}).");
        return File.ReadAllText(path);
    }
}
