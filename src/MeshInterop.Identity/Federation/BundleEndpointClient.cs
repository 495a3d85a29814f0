using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Internal;
using MeshInterop.Identity.X509;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Identity.Federation;

/// <summary>
/// Retrieves one peer's bundle from its SPIFFE federation bundle endpoint, in either profile (F-1). Each retrieval
/// uses a fresh connection, so an <c>https_spiffe</c> endpoint is always authenticated with the latest bundle of its
/// trust domain (F-8); redirects are followed by hand and re-checked per hop (F-5); only a 200 body within the size
/// limit is parsed.
/// </summary>
public sealed partial class BundleEndpointClient
{
    private const int MaxRedirects = 3;
    private readonly BundleEndpointOptions _options;
    private readonly IBundleSource _trust;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action<SocketsHttpHandler>? _configureHandler;

    /// <summary>Initializes a new instance of the <see cref="BundleEndpointClient"/> class.</summary>
    /// <param name="options">The endpoint; validated here.</param>
    /// <param name="trust">
    /// Where the <c>https_spiffe</c> endpoint trust domain's latest bundle is looked up (for a self-serving endpoint,
    /// the store the retrieved bundles go to); <see cref="BundleEndpointOptions.BootstrapBundle"/> is used while it has none.
    /// </param>
    /// <param name="timeProvider">The clock for the timeout and for certificate validity; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">Logs every retrieval (F-9); <see langword="null"/> for none.</param>
    /// <param name="configureHandler">Adjusts each connection handler (for example a connect callback); TLS and redirect settings are overwritten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="trust"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public BundleEndpointClient(
        BundleEndpointOptions options,
        IBundleSource trust,
        TimeProvider? timeProvider = null,
        ILogger<BundleEndpointClient>? logger = null,
        Action<SocketsHttpHandler>? configureHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trust);
        options.Validate();
        _options = options;
        _trust = trust;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _configureHandler = configureHandler;
    }

    /// <summary>Gets the endpoint configuration.</summary>
    public BundleEndpointOptions Options => _options;

    /// <summary>Retrieves and parses the bundle once.</summary>
    /// <param name="cancellationToken">Cancels the retrieval.</param>
    /// <returns>The bundle of <see cref="BundleEndpointOptions.TrustDomain"/>.</returns>
    /// <exception cref="BundleEndpointException">The endpoint did not deliver a usable bundle.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<SpiffeBundle> FetchAsync(CancellationToken cancellationToken)
    {
        var url = _options.Url!;
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var verdict = new ServerVerdict();
        using var handler = CreateHandler(verdict);
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.ParseAdd("application/json");
                HttpResponseMessage response;
                try
                {
                    response = await invoker.SendAsync(request, linked.Token).ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (verdict.Rejection is not null)
                {
                    throw Fail(BundleEndpointFailure.ServerRejected, url, $"The bundle endpoint's certificate was refused: {verdict.Rejection}", ex);
                }
                catch (HttpRequestException ex)
                {
                    throw Fail(BundleEndpointFailure.Transport, url, $"The bundle endpoint could not be reached: {ex.Message}", ex);
                }

                using (response)
                {
                    if (IsRedirect(response.StatusCode))
                    {
                        url = NextHop(url, response, hop);
                        continue;
                    }

                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        // An error page must never reach the parser (reference 4.8 #5).
                        throw Fail(BundleEndpointFailure.UnexpectedStatus, url, $"The bundle endpoint answered HTTP {(int)response.StatusCode}; only 200 is accepted.", statusCode: (int)response.StatusCode);
                    }

                    var body = await ReadCappedAsync(response, url, linked.Token).ConfigureAwait(false);
                    SpiffeBundle bundle;
                    try
                    {
                        bundle = SpiffeBundle.Parse(body, _options.TrustDomain);
                    }
                    catch (SpiffeBundleFormatException ex)
                    {
                        throw Fail(BundleEndpointFailure.InvalidDocument, url, $"The bundle endpoint returned an invalid SPIFFE bundle: {ex.Message}", ex, 200);
                    }

                    Log.BundleRetrieved(_logger, _options.TrustDomain.Name, url, ProfileName, 200, verdict.ServerId, bundle.SequenceNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)", bundle.X509Bundle.Authorities.Count, bundle.JwtBundle.Authorities.Count);
                    return bundle;
                }
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Fail(BundleEndpointFailure.Transport, url, $"The bundle endpoint did not answer within {_options.Timeout}.", ex);
        }
    }

    private string ProfileName => _options.Profile == BundleEndpointProfile.HttpsSpiffe ? "https_spiffe" : "https_web";

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private Uri NextHop(Uri url, HttpResponseMessage response, int hop)
    {
        var status = (int)response.StatusCode;
        if (!_options.FollowRedirects)
            throw Fail(BundleEndpointFailure.InvalidRedirect, url, $"The bundle endpoint redirected (HTTP {status}) and redirects are disabled.", statusCode: status);
        if (hop >= MaxRedirects)
            throw Fail(BundleEndpointFailure.InvalidRedirect, url, $"The bundle endpoint redirected more than {MaxRedirects} times.", statusCode: status);
        if (response.Headers.Location is not { } location)
            throw Fail(BundleEndpointFailure.InvalidRedirect, url, $"The bundle endpoint redirected (HTTP {status}) without a Location.", statusCode: status);
        var target = location.IsAbsoluteUri ? location : new Uri(url, location);

        // Every hop must itself be a valid endpoint URL; the TLS rules of the profile apply to it through the handler.
        if (BundleEndpointOptions.CheckUrl(target) is { } problem)
            throw Fail(BundleEndpointFailure.InvalidRedirect, url, $"The bundle endpoint redirected to an invalid endpoint URL: {problem}", statusCode: status);
        Log.BundleRedirected(_logger, _options.TrustDomain.Name, url, target, status);
        return target;
    }

    private async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is long declared && declared > limit)
            throw Fail(BundleEndpointFailure.ResponseTooLarge, url, $"The bundle endpoint declared {declared} bytes; the limit is {limit}.", statusCode: 200);

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(limit, 64 * 1024) + 1);
            try
            {
                var length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit + 1) - length), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                        return buffer.AsSpan(0, length).ToArray();
                    length += read;
                    if (length > limit)
                        throw Fail(BundleEndpointFailure.ResponseTooLarge, url, $"The bundle endpoint sent more than {limit} bytes.", statusCode: 200);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private SocketsHttpHandler CreateHandler(ServerVerdict verdict)
    {
        var handler = new SocketsHttpHandler();
        _configureHandler?.Invoke(handler);
        handler.AllowAutoRedirect = false;
        handler.UseCookies = false;
        handler.UseProxy = false;
        handler.PooledConnectionLifetime = TimeSpan.Zero;
        var ssl = handler.SslOptions;
        ssl.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        ssl.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        var now = _timeProvider.GetUtcNow();
        if (_options.Profile == BundleEndpointProfile.HttpsWeb)
        {
            // Ordinary HTTPS (F-6): host names are checked; only where the roots come from is configurable.
            if (_options.WebTrustAnchors is { } anchors)
            {
                ssl.CertificateChainPolicy = SvidChainVerifier.CreatePolicy(anchors, now, X509RevocationMode.NoCheck);
                ssl.RemoteCertificateValidationCallback = (_, _, _, errors) => Record(verdict, errors == SslPolicyErrors.None, null, $"TLS policy errors: {errors}");
            }
            else
            {
                ssl.CertificateChainPolicy = new X509ChainPolicy { DisableCertificateDownloads = true, RevocationMode = X509RevocationMode.NoCheck, VerificationTime = now.UtcDateTime };
                ssl.RemoteCertificateValidationCallback = (_, _, _, errors) => Record(verdict, errors == SslPolicyErrors.None, null, $"TLS policy errors: {errors}");
            }

            return handler;
        }

        var endpointId = _options.EndpointSpiffeId;
        var trustDomain = endpointId.TrustDomain;
        if (!_trust.Current.TryGetX509Bundle(trustDomain, out var bundle))
        {
            bundle = _options.BootstrapBundle?.X509Bundle
                ?? throw Fail(BundleEndpointFailure.NoEndpointTrust, _options.Url!, $"No bundle of trust domain '{trustDomain}' is available to authenticate the https_spiffe endpoint '{endpointId}'.");
        }

        var snapshot = BundleSet.Empty.With(bundle);
        var validator = new X509SvidValidator(new InMemoryBundleSource(snapshot), new X509SvidValidatorOptions { CacheSize = 0 }, _timeProvider);
        ssl.CertificateChainPolicy = SvidChainVerifier.CreatePolicy(bundle.Authorities, now, X509RevocationMode.NoCheck);

        // F-7: a valid X.509-SVID for exactly the configured ID; host names play no part.
        ssl.RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            try
            {
                if (certificate is null || chain is null)
                    return Record(verdict, false, null, "the server presented no certificate");
                var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
                var result = validator.ValidatePlatformChain(leaf, chain, snapshot, TlsRole.Server);
                if (!result.IsValid)
                    return Record(verdict, false, null, $"{result.Failure}: {result.Reason}");
                return result.SpiffeId == endpointId
                    ? Record(verdict, true, result.SpiffeId.ToString(), null)
                    : Record(verdict, false, null, $"the server is '{result.SpiffeId}', not the configured '{endpointId}'");
            }
            catch (Exception ex)
            {
                return Record(verdict, false, null, ex.Message);
            }
        };
        return handler;
    }

    private static bool Record(ServerVerdict verdict, bool accepted, string? serverId, string? rejection)
    {
        if (accepted)
            verdict.ServerId = serverId ?? "(web PKI)";
        else
            verdict.Rejection = rejection;
        return accepted;
    }

    private BundleEndpointException Fail(BundleEndpointFailure failure, Uri url, string message, Exception? inner = null, int? statusCode = null)
    {
        Log.BundleRetrievalFailed(_logger, _options.TrustDomain.Name, url, ProfileName, failure, message);
        return new BundleEndpointException(failure, url, message, inner) { StatusCode = statusCode };
    }

    private sealed class ServerVerdict
    {
        public string ServerId { get; set; } = "(unknown)";

        public string? Rejection { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(2200, LogLevel.Information, "Retrieved the bundle of '{TrustDomain}' from '{Url}' ({Profile}): HTTP {StatusCode}, server '{ServerIdentity}', sequence {Sequence}, {X509Authorities} X.509 and {JwtAuthorities} JWT authorities.", EventName = nameof(BundleRetrieved))]
        public static partial void BundleRetrieved(ILogger logger, string trustDomain, Uri url, string profile, int statusCode, string serverIdentity, string sequence, int x509Authorities, int jwtAuthorities);

        [LoggerMessage(2201, LogLevel.Warning, "Retrieving the bundle of '{TrustDomain}' from '{Url}' ({Profile}) failed: {Failure}: {Reason}", EventName = nameof(BundleRetrievalFailed))]
        public static partial void BundleRetrievalFailed(ILogger logger, string trustDomain, Uri url, string profile, BundleEndpointFailure failure, string reason);

        [LoggerMessage(2202, LogLevel.Information, "The bundle endpoint of '{TrustDomain}' at '{Url}' redirected to '{Target}' (HTTP {StatusCode}); the redirect is not remembered.", EventName = nameof(BundleRedirected))]
        public static partial void BundleRedirected(ILogger logger, string trustDomain, Uri url, Uri target, int statusCode);
    }
}
