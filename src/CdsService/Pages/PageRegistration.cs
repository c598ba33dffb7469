namespace CdsService.Pages;

internal static class PageRegistration
{
    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        services.AddSingleton<PolicyPage>();
        return services;
    }

    /// <summary>Serves the stylesheet the pages link to (an embedded resource, cacheable: it holds no data).</summary>
    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(HtmlPage.StylesheetPath, (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            var css = typeof(PageRegistration).Assembly.GetManifestResourceStream("pages/site.css")!;
            return Results.Stream(css, "text/css; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }
}
