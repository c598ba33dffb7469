using CdsService.CdsHooks;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>Wires the Security feature into the host: trusted CDS clients, CORS, rate limits and the hardened surface.</summary>
internal static class SecurityRegistration
{
    public static WebApplicationBuilder AddCdsSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddOptions<CdsClientsOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                options.Clients = configuration.GetSection(CdsClientsOptions.SectionName).Get<List<CdsClientOptions>>() ?? [])
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CdsClientsOptions>, CdsClientsValidator>();
        services.AddSingleton<IValidateOptions<CdsOptions>, PublicBaseUrlValidator>();

        services.AddCdsClientAuthentication();
        services.AddCdsPolicies();
        services.AddBrowserClients();
        services.AddClientRateLimits();

        // Kestrel refuses what the endpoint would refuse anyway, before buffering it. Bound here without validation:
        // the server is built before start-up validation runs, which then reports every configuration error at once.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
            kestrel.Limits.MaxRequestBodySize = configuration.GetSection(CdsOptions.SectionName).Get<CdsOptions>()?.MaxRequestBodyBytes
                ?? new CdsOptions().MaxRequestBodyBytes);
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<SecurityOptions>>((timeouts, security) =>
            timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = security.Value.RequestTimeout, TimeoutStatusCode = StatusCodes.Status504GatewayTimeout });
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        services.AddHostedService<SecurityStartupReport>();
        return builder;
    }

    /// <summary>Outermost: HSTS and HTTPS redirection outside Development, security headers on every response.</summary>
    public static WebApplication UseHardenedTransport(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseSecurityHeaders();
        return app;
    }

    /// <summary>Inside the exception handler: CORS (answers preflights), request timeouts, client JWTs, rate limits.</summary>
    public static WebApplication UseCdsSecurity(this WebApplication app)
    {
        app.UseCors(BrowserClients.PolicyName);
        app.UseRequestTimeouts();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
