using System.Net.Http.Headers;
using System.Text.Json;

namespace MeshInterop.Conformance.Hooks;

/// <summary>
/// A hook over a small HTTP control endpoint an implementation may expose. Every operation is a
/// <c>POST {base}/{op}</c> (<c>create</c>, <c>update</c>, <c>delete</c>, <c>start</c>, <c>stop</c>, <c>list</c>) with a JSON
/// body <c>{"name": ..., "service": {...}, "address": ...}</c> holding the fields the operation uses; any 2xx status
/// means done, and <c>list</c> answers with a JSON array of services.
/// </summary>
public sealed class HttpConformanceHook : IConformanceHook
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _client;
    private readonly Uri _base;

    /// <summary>Initializes a new instance of the <see cref="HttpConformanceHook"/> class.</summary>
    /// <param name="client">The client to call the endpoint with; the caller owns it (and its TLS settings).</param>
    /// <param name="baseAddress">The endpoint's base address, such as <c>http://127.0.0.1:9901/conformance/</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public HttpConformanceHook(HttpClient client, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(baseAddress);
        _client = client;
        var text = baseAddress.ToString();
        _base = new Uri(text.EndsWith('/') ? text : text + "/");
    }

    /// <inheritdoc />
    public Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        return PostAsync(mutation.Operation, mutation.Name, mutation.Json, null, cancellationToken);
    }

    /// <inheritdoc />
    public Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerAddress);
        return PostAsync("start", null, null, ownerAddress.ToString(), cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => PostAsync("stop", null, null, null, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ConformanceHookException">The endpoint failed or did not answer with a JSON array of objects.</exception>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        HookJson.ReadServiceArray(await PostAsync("list", null, null, null, cancellationToken).ConfigureAwait(false), "the answer to 'list'");

    private async Task<string> PostAsync(string op, string? name, string? serviceJson, string? address, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            if (name is not null)
            {
                writer.WriteString("name", name);
            }

            if (serviceJson is not null)
            {
                writer.WritePropertyName("service");
                writer.WriteRawValue(serviceJson);
            }

            if (address is not null)
            {
                writer.WriteString("address", address);
            }

            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = JsonType;
        try
        {
            using var response = await _client.PostAsync(new Uri(_base, op), content, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ConformanceHookException($"The control endpoint answered '{op}' with {(int)response.StatusCode}: {text.Trim()}");
            }

            return text;
        }
        catch (HttpRequestException ex)
        {
            throw new ConformanceHookException($"The control endpoint at {_base} could not be reached for '{op}': {ex.Message}", ex);
        }
    }
}
