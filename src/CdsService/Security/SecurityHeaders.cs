using CdsService.CdsHooks;

namespace CdsService.Security;

/// <summary>
/// Response headers for a JSON API that no browser should render, frame, sniff or cache: added just before the response
/// starts, so error responses written by the exception handler get them too.
/// </summary>
internal static class SecurityHeaders
{
    private const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state => Apply((HttpContext)state), http);
            return next(http);
        });

    private static Task Apply(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // A human-readable page (Pages/HtmlPage) states its own, equally strict, policy that lets its stylesheet load.
        if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }

        headers["Referrer-Policy"] = "no-referrer";

        // Hook responses carry patient-specific decisions: never stored by a browser or an intermediary.
        if (http.Request.Path.StartsWithSegments(CdsHooksEndpoints.DiscoveryPath, StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}
