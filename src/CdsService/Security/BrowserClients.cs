using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace CdsService.Security;

/// <summary>
/// CORS for browser-based CDS clients such as the CDS Hooks Sandbox (CDS Hooks §CORS): only configured origins, only
/// the headers a CDS call needs, preflights cached for <see cref="BrowserClientOptions.PreflightMaxAge"/>.
/// </summary>
internal static class BrowserClients
{
    public const string PolicyName = "CdsBrowserClients";

    public static IServiceCollection AddBrowserClients(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SecurityOptions>>((cors, security) =>
        {
            var options = security.Value.Cors;
            cors.AddPolicy(PolicyName, policy => policy
                .WithOrigins(options.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post)
                .WithHeaders("Authorization", "Content-Type")
                .WithExposedHeaders("Retry-After")
                .SetPreflightMaxAge(options.PreflightMaxAge));
        });
        return services;
    }
}
