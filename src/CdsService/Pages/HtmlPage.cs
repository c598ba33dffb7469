using System.Text;
using System.Text.Encodings.Web;

namespace CdsService.Pages;

/// <summary>
/// The service's human-readable pages (policy text, attestation form): one accessible HTML5 shell with the service's
/// own stylesheet and a Content-Security-Policy that allows that stylesheet and same-origin form posts, nothing else
/// (no script, no inline style, no framing).
/// </summary>
internal sealed class HtmlPage(string title, string main, int statusCode = StatusCodes.Status200OK) : IResult
{
    public const string StylesheetPath = "/pages/site.css";

    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public int StatusCode => statusCode;

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.CacheControl = "no-store";

        // The attestation pages' URLs are credentials for their forms: no Referer carries them to a linked site.
        response.Headers["Referrer-Policy"] = "no-referrer";
        var html = new StringBuilder()
            .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StylesheetPath).Append("\">\n</head>\n<body>\n")
            .Append("<a class=\"skip\" href=\"#main\">Skip to content</a>\n")
            .Append("<main id=\"main\">\n").Append(main).Append("\n</main>\n</body>\n</html>\n");
        return response.WriteAsync(html.ToString(), httpContext.RequestAborted);
    }
}
