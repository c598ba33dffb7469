using System.Security.Cryptography;
using System.Text;
using CdsService.Ehr;
using CdsService.Pages;
using CdsService.Policies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CdsService.Attestation.Smart;

/// <summary>
/// The attestation form as a SMART App Launch 2.x app (EHR launch, public client, PKCE S256). The card's <c>smart</c>
/// link names the launch URL; the EHR opens it with <c>iss</c> and <c>launch</c>; the service checks <c>iss</c>
/// against the allowlist and the hook call's FHIR server, discovers the authorization server, and sends the browser
/// to sign in with a <c>state</c> bound to it by a cookie. The callback exchanges the code, checks the token is for
/// the hook call's patient, keeps the token server-side, and shows the form; its submit writes with that token.
/// </summary>
internal static partial class SmartLaunchEndpoints
{
    public const string CallbackPath = "/attestation/smart/callback";
    public const string CookieName = "cds-attestation-smart";
    private const string CookiePath = "/attestation/smart/";

    public static IEndpointRouteBuilder MapSmartLaunch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/attestation/smart/launch/{token}", LaunchAsync).ExcludeFromDescription();
        app.MapGet(CallbackPath, CallbackAsync).ExcludeFromDescription();
        app.MapGet("/attestation/smart/form/{grant}", ShowAsync).ExcludeFromDescription();
        app.MapPost("/attestation/smart/form/{grant}", SubmitAsync).ExcludeFromDescription().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> LaunchAsync(
        string token, string? iss, string? launch, HttpContext http, FormLinks links, FhirServerAllowlist allowlist,
        SmartClient smart, IOptions<SmartOptions> options, [FromServices] Hosting.EndpointLoggers logs)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return Page(StatusCodes.Status404NotFound, "Not available", "This service is not set up for SMART launches. Open the form link from the card instead.");
        }

        if (string.IsNullOrEmpty(iss) || string.IsNullOrEmpty(launch) || iss.Length > 2048 || launch.Length > 2048)
        {
            return Page(StatusCodes.Status400BadRequest, "Launch not accepted", "The EHR did not send the launch parameters (iss and launch). Open the form from the card again.");
        }

        if (await links.OpenAsync(token, http.RequestAborted) is not { } session)
        {
            return AttestationEndpoints.Gone();
        }

        // iss names where the token will be used; it must be a server this service may contact, and the one the order
        // was signed against, or a launch from elsewhere could bind this patient's form to another record.
        if (!Uri.TryCreate(iss, UriKind.Absolute, out var server) || !allowlist.Allows(server) || !SameServer(server, session.FhirServer))
        {
            LogIssRefused(logs.For(typeof(SmartLaunchEndpoints)));
            return Page(StatusCodes.Status400BadRequest, "Launch not accepted", "The EHR that launched this form is not the one the order was signed in, or not one this service may use. Open the form from the card again.");
        }

        if (await smart.DiscoverAsync(server, http.RequestAborted) is not { } configuration)
        {
            return Unavailable();
        }

        var verifier = Random();
        var binding = Random();
        var redirect = RedirectUri(http, settings);
        var pending = new SmartPending(token, server.AbsoluteUri, configuration.TokenEndpoint.AbsoluteUri, verifier, binding, redirect.AbsoluteUri);
        var state = await links.SaveSmartAsync(pending.ToBytes(), settings.LaunchLifetime, http.RequestAborted);
        SetCookie(http, binding, settings.LaunchLifetime);

        var authorize = QueryHelpers.AddQueryString(configuration.AuthorizationEndpoint.AbsoluteUri, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = settings.ClientId,
            ["redirect_uri"] = redirect.AbsoluteUri,
            ["launch"] = launch,
            ["scope"] = settings.Scopes,
            ["state"] = state,
            ["aud"] = iss,
            ["code_challenge"] = Challenge(verifier),
            ["code_challenge_method"] = "S256",
        });
        return Results.Redirect(authorize);
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext http, FormLinks links, SmartClient smart, IOptions<SmartOptions> options, [FromServices] Hosting.EndpointLoggers logs)
    {
        var query = http.Request.Query;
        string? state = query["state"], code = query["code"], error = query["error"];
        if (!options.Value.Enabled)
        {
            return Page(StatusCodes.Status404NotFound, "Not available", "This service is not set up for SMART launches.");
        }

        // The state is taken, not read: a replayed callback finds nothing.
        if (string.IsNullOrEmpty(state) || state.Length > 4096
            || await links.ReadSmartAsync(state, take: true, http.RequestAborted) is not { } bytes || SmartPending.FromBytes(bytes) is not { } pending)
        {
            return SignInNotVerified();
        }

        if (!SameBinding(http, pending.Binding))
        {
            LogBindingRefused(logs.For(typeof(SmartLaunchEndpoints)));
            return SignInNotVerified();
        }

        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code) || code.Length > 4096)
        {
            return Page(StatusCodes.Status400BadRequest, "Not authorized", "The EHR did not authorize this form to save to the patient's record. Open the form from the card again, or use the card's other form link to download the response.");
        }

        if (await links.OpenAsync(pending.Link, http.RequestAborted) is not { } session)
        {
            return AttestationEndpoints.Gone();
        }

        if (await smart.ExchangeAsync(new Uri(pending.TokenEndpoint), code, new Uri(pending.RedirectUri), pending.Verifier, http.RequestAborted) is not { } granted)
        {
            return Unavailable();
        }

        // The launch must be for the patient the order was signed for, and (when the EHR passes it) for this form.
        if (granted.Patient != session.PatientId || (granted.AppContext is { } context && context != pending.Link))
        {
            LogContextRefused(logs.For(typeof(SmartLaunchEndpoints)));
            return Page(StatusCodes.Status403Forbidden, "Launch not accepted", "The EHR authorized this form for a different patient or order than the card was for. Open the form from the order's card again.");
        }

        var lifetime = granted.ExpiresIn is { } expires && expires < options.Value.LaunchLifetime * 3 ? expires : options.Value.LaunchLifetime * 3;
        var grant = new SmartGrant(pending.Link, pending.Server, granted.AccessToken, pending.Binding);
        var reference = await links.SaveSmartAsync(grant.ToBytes(), lifetime, http.RequestAborted);
        SetCookie(http, pending.Binding, lifetime);

        // A redirect rather than the form itself: the code leaves the address bar and a reload does not replay it.
        return Results.Redirect($"{http.Request.PathBase}/attestation/smart/form/{reference}");
    }

    private static async Task<IResult> ShowAsync(string grant, HttpContext http, FormLinks links, IEnumerable<IDrugPolicy> policies) =>
        await GrantAsync(grant, http, links, take: false) is { } found
            ? await AttestationEndpoints.ShowAsync(found.Link, http, links, policies)
            : AttestationEndpoints.Gone();

    private static async Task<IResult> SubmitAsync(
        string grant, HttpContext http, FormLinks links, IEnumerable<IDrugPolicy> policies, ResponseWriter writer, TimeProvider clock)
    {
        if (await GrantAsync(grant, http, links, take: false) is not { } found)
        {
            return AttestationEndpoints.Gone();
        }

        var result = await AttestationEndpoints.SubmitFormAsync(found.Link, http, links, policies, writer, clock, found.AccessToken);
        if (result is HtmlPage { StatusCode: StatusCodes.Status200OK })
        {
            // Submitted: the token has done its one job and leaves the store with the form session.
            await links.ReadSmartAsync(grant, take: true, http.RequestAborted);
            http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = CookiePath, Secure = http.Request.IsHttps, HttpOnly = true, SameSite = SameSiteMode.Lax });
        }

        return result;
    }

    private static async Task<SmartGrant?> GrantAsync(string reference, HttpContext http, FormLinks links, bool take) =>
        await links.ReadSmartAsync(reference, take, http.RequestAborted) is { } bytes && SmartGrant.FromBytes(bytes) is { } grant && SameBinding(http, grant.Binding)
            ? grant
            : null;

    private static bool SameServer(Uri iss, string? sessionServer) =>
        sessionServer is not null && Uri.TryCreate(sessionServer, UriKind.Absolute, out var expected)
        && string.Equals(iss.AbsoluteUri.TrimEnd('/'), expected.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static bool SameBinding(HttpContext http, string expected) =>
        http.Request.Cookies[CookieName] is { } cookie
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(cookie), Encoding.ASCII.GetBytes(expected));

    private static void SetCookie(HttpContext http, string binding, TimeSpan lifetime) =>
        http.Response.Cookies.Append(CookieName, binding, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,

            // Lax: the callback is a top-level GET from the EHR's sign-in page, which Strict would send without it.
            SameSite = SameSiteMode.Lax,
            Path = CookiePath,
            MaxAge = lifetime,
            IsEssential = true,
        });

    private static Uri RedirectUri(HttpContext http, SmartOptions settings) =>
        settings.RedirectUriBase is { } configured
            ? new Uri(configured.AbsoluteUri.TrimEnd('/') + CallbackPath)
            : new Uri($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{CallbackPath}");

    private static string Random() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    // RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))).
    internal static string Challenge(string verifier) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private static HtmlPage SignInNotVerified() => Page(
        StatusCodes.Status400BadRequest, "Sign-in not verified", "This sign-in could not be matched to a launch from this browser, or it was already used. Open the form from the card again.");

    private static HtmlPage Unavailable() => Page(
        StatusCodes.Status502BadGateway, "EHR sign-in unavailable", "The EHR's authorization server could not be reached or did not grant access. Try again from the card, or use the card's other form link to download the response.");

    private static HtmlPage Page(int status, string title, string text) =>
        new(title, $"<h1>{HtmlPage.Encode(title)}</h1>\n<p>{HtmlPage.Encode(text)}</p>", status);

    [LoggerMessage(LogLevel.Warning, "SMART launch refused: iss is not allowed or not the hook call's FHIR server")]
    private static partial void LogIssRefused(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "SMART callback refused: the browser-binding cookie is missing or does not match")]
    private static partial void LogBindingRefused(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "SMART callback refused: the token's patient or appContext is not the form's")]
    private static partial void LogContextRefused(ILogger logger);
}
