using System.Net;
using System.Text.Json;
using MeshInterop.Conformance.Hooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Conformance.Tests.Hooks;

public sealed class HttpConformanceHookTests : IAsyncLifetime
{
    private readonly List<(string Op, string Body)> _calls = [];
    private WebApplication _app = null!;
    private Uri _base = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/control/{op}", async (string op, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            lock (_calls)
            {
                _calls.Add((op, body));
            }

            return op switch
            {
                "list" => Results.Text("[{\"name\":\"svc-a\",\"fqdn\":\"svc-a.example\"}]", "application/json"),
                "stop" => Results.Problem("cannot stop", statusCode: 503),
                _ => Results.NoContent(),
            };
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/control");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Operations_PostTheDocumentedBodies()
    {
        using var client = new HttpClient();
        var hook = new HttpConformanceHook(client, _base);
        var ct = TestContext.Current.CancellationToken;

        await hook.MutateAsync(new ConformanceMutation(ConformanceMutationKind.Update, "svc-a", "{\"name\":\"svc-a\"}"), ct);
        await hook.StartAsync(new Uri("https://127.0.0.1:4443/"), ct);
        var listed = await hook.ListAsync(ct);

        Assert.Equal(["{\"name\":\"svc-a\",\"fqdn\":\"svc-a.example\"}"], listed);
        Assert.Equal(["update", "start", "list"], _calls.Select(c => c.Op));
        using var update = JsonDocument.Parse(_calls[0].Body);
        Assert.Equal("svc-a", update.RootElement.GetProperty("name").GetString());
        Assert.Equal("svc-a", update.RootElement.GetProperty("service").GetProperty("name").GetString());
        using var start = JsonDocument.Parse(_calls[1].Body);
        Assert.Equal("https://127.0.0.1:4443/", start.RootElement.GetProperty("address").GetString());
        Assert.Equal("{}", _calls[2].Body);
    }

    [Fact]
    public async Task StopAsync_EndpointFails_ThrowsHookExceptionWithStatus()
    {
        using var client = new HttpClient();
        var hook = new HttpConformanceHook(client, _base);

        var ex = await Assert.ThrowsAsync<ConformanceHookException>(() => hook.StopAsync(TestContext.Current.CancellationToken));

        Assert.Contains("answered 'stop' with 503", ex.Message, StringComparison.Ordinal);
    }
}
