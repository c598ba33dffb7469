using CdsService.CdsHooks;

namespace CdsService.Security;

/// <summary>
/// The <c>aud</c> a token must carry: exactly the URL of the endpoint invoked (CDS Hooks §Trusting CDS Clients), that is
/// the public base URL followed by the request path. One rule for every protected endpoint: the service URL for a hook
/// call, <c>…/feedback</c> for feedback, <c>/cds-services</c> for discovery when it is protected.
/// </summary>
internal static class EndpointAudience
{
    public static string For(HttpRequest request, CdsOptions options) =>
        For(options.BaseUrlFor(request), request.Path.ToUriComponent());

    /// <summary>The <c>aud</c> for <paramref name="path"/> (starting with '/') under <paramref name="baseUrl"/>.</summary>
    public static string For(Uri baseUrl, string path) => baseUrl.AbsoluteUri.TrimEnd('/') + path;

    public static bool Matches(IEnumerable<string> audiences, string expected) =>
        audiences.Any(a => string.Equals(a, expected, StringComparison.Ordinal));
}
