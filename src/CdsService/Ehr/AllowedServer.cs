using System.Diagnostics.CodeAnalysis;

namespace CdsService.Ehr;

/// <summary>
/// One <c>Fhir:AllowedServers</c> entry, parsed: scheme, host, port (null for <c>:*</c>, any port) and path
/// segments. URLs are compared on these parsed parts, never as raw string prefixes, so
/// <c>http://127.0.0.1.evil.com</c>, <c>http://127.0.0.1@evil</c> or <c>/fhir/../admin</c> cannot pass for an
/// allowed server.
/// </summary>
internal sealed record AllowedServer(string Scheme, string Host, int? Port, IReadOnlyList<string> Segments)
{
    private const string AnyPort = ":*";

    public static bool TryParse(string? entry, [NotNullWhen(true)] out AllowedServer? server, out string problem)
    {
        server = null;
        var text = entry?.Trim() ?? "";
        var anyPort = false;
        var authorityStart = text.IndexOf("://", StringComparison.Ordinal);
        if (authorityStart > 0)
        {
            // Uri cannot parse a wildcard port, so it is cut out of the authority before parsing.
            authorityStart += 3;
            var authorityEnd = text.IndexOf('/', authorityStart) is var slash and >= 0 ? slash : text.Length;
            if (text[authorityStart..authorityEnd].EndsWith(AnyPort, StringComparison.Ordinal))
            {
                anyPort = true;
                text = text[..(authorityEnd - AnyPort.Length)] + text[authorityEnd..];
            }
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !IsHttp(uri))
        {
            problem = "is not an absolute http or https URL.";
            return false;
        }

        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problem = "must not have user info, a query or a fragment.";
            return false;
        }

        // Uri quietly resolves "/fhir/%2e%2e" to "/", which would widen the entry to the whole host.
        if (!TrySegments(uri, out var segments) || HasDotSegment(text))
        {
            problem = "must not contain '.', '..' or encoded slashes in its path.";
            return false;
        }

        server = new AllowedServer(uri.Scheme, uri.IdnHost, anyPort ? null : uri.Port, segments);
        problem = "";
        return true;
    }

    /// <summary>True when <paramref name="candidate"/> is this server or lies below its path.</summary>
    public bool Contains(Uri candidate) =>
        candidate.IsAbsoluteUri
        && IsHttp(candidate)
        && candidate.UserInfo.Length == 0
        && string.Equals(candidate.Scheme, Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(candidate.IdnHost, Host, StringComparison.OrdinalIgnoreCase)
        && (Port is null || candidate.Port == Port)
        && TrySegments(candidate, out var segments)
        && segments.Length >= Segments.Count
        && Segments.Select((s, i) => string.Equals(s, segments[i], StringComparison.Ordinal)).All(equal => equal);

    /// <summary>The same server, port exactly as given: the scope a pagination link must stay within.</summary>
    public static AllowedServer? Exactly(Uri server) =>
        IsHttp(server) && server.UserInfo.Length == 0 && TrySegments(server, out var segments)
            ? new AllowedServer(server.Scheme, server.IdnHost, server.Port, segments)
            : null;

    private static bool HasDotSegment(string url)
    {
        var path = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        return path.Split('/').Skip(1).Select(Uri.UnescapeDataString).Any(s => s is "." or "..");
    }

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// The unescaped path segments. Uri already resolves literal dot segments; an escaped one (<c>%2e%2e</c>) or an
    /// escaped slash could still be resolved by the server, so such paths are refused outright.
    /// </summary>
    private static bool TrySegments(Uri uri, out string[] segments)
    {
        segments = [.. uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
        return !segments.Any(s => s is "." or ".." || s.Contains('/', StringComparison.Ordinal) || s.Contains('\\', StringComparison.Ordinal));
    }
}
