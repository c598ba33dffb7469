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
    /// The most entries one Bundle (draft orders, a prefetch search result) may hold; a request with more gets 413.
    /// Counted before any entry is parsed.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxBundleEntries { get; set; } = 5_000;

    /// <summary>The most resources the whole prefetch may hold, all keys together; more gets 413.</summary>
    [Range(1, 1_000_000)]
    public int MaxRecordResources { get; set; } = 10_000;

    /// <summary>
    /// The most draft orders one order-sign call may carry; more gets 413. Each covered order is evaluated against the
    /// whole record, so this and <see cref="MaxRecordResources"/> together bound the evaluation work.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxDraftOrders { get; set; } = 50;

    /// <summary>
    /// Skip, before parsing, prefetch entries the policy cannot read: other patients' resources, resource types it
    /// does not use, Observations coded outside its value sets. On by default; off only to compare outcomes.
    /// </summary>
    public bool FilterPrefetch { get; set; } = true;

    /// <summary>
    /// The base URL clients use, ending in '/': <see cref="PublicBaseUrl"/> when configured, else the request's own
    /// scheme, host and path base (trustworthy only in Development, where the host header is the caller's to choose).
    /// </summary>
    public Uri BaseUrlFor(HttpRequest request) =>
        ConfiguredBaseUrl ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/");

    /// <summary><see cref="PublicBaseUrl"/> ending in '/', or null when it is taken from each request.</summary>
    public Uri? ConfiguredBaseUrl =>
        PublicBaseUrl is { } configured
            ? (configured.AbsoluteUri.EndsWith('/') ? configured : new Uri(configured.AbsoluteUri + "/"))
            : null;
}
