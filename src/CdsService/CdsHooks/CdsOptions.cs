using System.ComponentModel.DataAnnotations;

namespace CdsService.CdsHooks;

/// <summary>Configuration section <c>Cds</c>.</summary>
internal sealed class CdsOptions
{
    public const string SectionName = "Cds";

    /// <summary>
    /// The public base URL of this service (scheme, host, optional path), as clients reach it through any proxy.
    /// Used for links in cards and for the JWT <c>aud</c> check. When unset, it is taken from each request.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413.</summary>
    [Range(1024, 100_000_000)]
    public long MaxRequestBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// The base URL clients use, ending in '/': <see cref="PublicBaseUrl"/> when configured, else the request's own
    /// scheme, host and path base (trustworthy only in Development, where the host header is the caller's to choose).
    /// </summary>
    public Uri BaseUrlFor(HttpRequest request) =>
        PublicBaseUrl is { } configured
            ? (configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/"))
            : new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");
}
