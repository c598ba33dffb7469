using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdsService.IntegrationTests.Fixtures;

/// <summary>
/// The real service in memory (the whole ASP.NET Core pipeline), with configuration overrides and a fixed clock.
/// By default it runs the Development profile and every call comes from a loopback address, as from a developer's
/// own machine; <c>new CdsApp("Production")</c> runs the profile an EHR meets.
/// </summary>
public sealed class CdsApp(string environment = "Development") : WebApplicationFactory<Program>
{
    public const string BesponsaService = "/cds-services/besponsa-prior-auth";

    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];

    /// <summary>"Today" for the service: the day the fhir-examples scenarios were written for.</summary>
    public static readonly DateTimeOffset Today = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The caller's address as the service sees it. TestServer leaves it null, which the service never takes for
    /// loopback; null here keeps it that way.
    /// </summary>
    public IPAddress? RemoteIp { get; set; } = IPAddress.Loopback;

    public CdsApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Changes to the service's registrations, applied after its own (e.g. a log sink, a stub).</summary>
    public CdsApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>This instance's own SQLite state store (unless a test names another store), deleted with it.</summary>
    public string StatePath { get; } = Path.Combine(Path.GetTempPath(), $"cds-test-state-{Guid.NewGuid():N}.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("Storage:Sqlite:Path", StatePath);
        builder.UseSetting("Audit:PatientKeySecret", "test-only-patient-key-secret-0123456789abcdef");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new FixedClock(Today)));
            services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(() => RemoteIp));
        });

        // Test services go after the app's own registrations, so a replacement wins.
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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            foreach (var file in new[] { StatePath, StatePath + "-wal", StatePath + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Runs first in the pipeline and gives the connection the address a real server would have filled in.</summary>
    private sealed class RemoteAddressFilter(Func<IPAddress?> address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext http, RequestDelegate nextMiddleware) =>
            {
                if (address() is { } ip)
                {
                    http.Connection.RemoteIpAddress = ip;
                }

                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
