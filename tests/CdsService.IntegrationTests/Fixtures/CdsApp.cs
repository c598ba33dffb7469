using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdsService.IntegrationTests.Fixtures;

/// <summary>
/// The real service in memory (the whole ASP.NET Core pipeline), with configuration overrides and a fixed clock.
/// </summary>
public sealed class CdsApp : WebApplicationFactory<Program>
{
    public const string BesponsaService = "/cds-services/besponsa-prior-auth";

    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>"Today" for the service: the day the fhir-examples scenarios were written for.</summary>
    public static readonly DateTimeOffset Today = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public CdsApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Extra service registrations, applied after the app's own (e.g. a log sink to capture logs).</summary>
    public CdsApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FixedClock(Today))));
        foreach (var configure in _services)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await CreateClient().PostAsync(new Uri(path, UriKind.Relative), content);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
