using Microsoft.Net.Http.Headers;

namespace CdsService.Pages;

/// <summary>
/// HTTP content negotiation (RFC 9110 §12.5.1) between the representations an endpoint offers: each offer takes the
/// quality of the most specific Accept range that covers it; the highest quality wins, then the earlier offer. No
/// Accept header, or only <c>*/*</c>, gets the first offer.
/// </summary>
internal static class Negotiation
{
    /// <summary>The offer to serve, or null when the client accepts none of them (406).</summary>
    public static string? Choose(HttpRequest request, params string[] offers)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return offers[0];
        }

        string? best = null;
        var bestQuality = 0.0;
        foreach (var offer in offers)
        {
            var offerType = new MediaTypeHeaderValue(offer);
            var quality = accept
                .Where(offerType.IsSubsetOf)
                .OrderByDescending(Specificity)
                .Select(range => range.Quality ?? 1.0)
                .DefaultIfEmpty(0.0)
                .First();
            if (quality > bestQuality)
            {
                (best, bestQuality) = (offer, quality);
            }
        }

        return best;
    }

    private static int Specificity(MediaTypeHeaderValue range) =>
        range.MatchesAllTypes ? 0 : range.MatchesAllSubTypes ? 1 : 2 + range.Parameters.Count;
}
