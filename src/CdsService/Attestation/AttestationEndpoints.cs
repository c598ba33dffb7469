using System.Text;
using System.Text.Json;
using CdsService.Attestation.Smart;
using CdsService.CdsHooks;
using CdsService.Pages;
using CdsService.Policies;
using Hl7.Fhir.Model;
using static CdsService.Pages.HtmlPage;

namespace CdsService.Attestation;

/// <summary>
/// The attestation form behind a card's link: GET shows the policy's Questionnaire pre-filled from the chart, POST (with
/// the form's one-time token) turns the answers into a QuestionnaireResponse, writes it to the EHR when it can, and
/// offers it for download in any case. The link is the only credential, so every failure gets the same plain answer.
/// </summary>
internal static class AttestationEndpoints
{
    public static IEndpointRouteBuilder MapAttestationForms(this IEndpointRouteBuilder app)
    {
        app.MapGet("/attestation/{token}", ShowAsync).ExcludeFromDescription();
        app.MapPost("/attestation/{token}", SubmitAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapGet("/attestation/download/{token}", DownloadAsync).ExcludeFromDescription();
        app.MapSmartLaunch();
        return app;
    }

    internal static async Task<IResult> ShowAsync(string token, HttpContext http, FormLinks links, IEnumerable<IDrugPolicy> policies)
    {
        var session = await links.OpenAsync(token, http.RequestAborted);
        if (session is null || Questionnaire(session, policies) is not { } questionnaire)
        {
            return Gone();
        }

        return Form(http, questionnaire, session, [], StatusCodes.Status200OK);
    }

    private static Task<IResult> SubmitAsync(
        string token, HttpContext http, FormLinks links, IEnumerable<IDrugPolicy> policies, ResponseWriter writer, TimeProvider clock) =>
        SubmitFormAsync(token, http, links, policies, writer, clock, accessToken: null);

    /// <summary>
    /// A submit of the form behind <paramref name="token"/>; <paramref name="accessToken"/> is the SMART launch's bearer
    /// token, held server-side, when the form was opened through one.
    /// </summary>
    internal static async Task<IResult> SubmitFormAsync(
        string token, HttpContext http, FormLinks links, IEnumerable<IDrugPolicy> policies, ResponseWriter writer, TimeProvider clock, string? accessToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && e is not BadHttpRequestException))
        {
            // Over the form limits (value count, key or value length), or a multipart body that ends before its
            // boundary says it does (an IOException): a bad request, not a failure of the service. A body over the
            // size limit (BadHttpRequestException, an IOException too) keeps its own 413.
            return NotAccepted();
        }

        var session = await links.OpenAsync(token, http.RequestAborted);
        if (session is null || Questionnaire(session, policies) is not { } questionnaire)
        {
            return Gone();
        }

        if (!FormLinks.SameNonce(session, form[FormAction.NonceField]))
        {
            return NotAccepted();
        }

        var answers = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var item in FormItems.Booleans(questionnaire.Item))
        {
            if (bool.TryParse(form[item.LinkId!], out var value))
            {
                answers[item.LinkId!] = value;
            }
        }

        var missing = FormItems.Required(questionnaire, session).Where(r => !answers.ContainsKey(r)).ToList();
        if (missing.Count > 0)
        {
            var texts = missing.Select(m => Attestation.QuestionnaireForm.Find(questionnaire.Item, m)?.Text ?? m).ToList();
            return Form(http, questionnaire, session, texts, StatusCodes.Status422UnprocessableEntity);
        }

        // One submit per link: a second (or concurrent) one finds the session gone.
        if (await links.TakeAsync(token, http.RequestAborted) is not { } taken)
        {
            return Gone();
        }

        var response = ResponseBuilder.Build(questionnaire, taken, answers, FormItems.Prefill(questionnaire, taken), clock.GetUtcNow());
        var outcome = await writer.WriteAsync(taken, response, accessToken, http.RequestAborted);
        var json = JsonSerializer.SerializeToUtf8Bytes<Resource>(response, CdsJson.Options);
        var download = await links.SaveDownloadAsync(json, http.RequestAborted);
        return Done(http, taken, outcome, download);
    }

    private static async Task<IResult> DownloadAsync(string token, HttpContext http, FormLinks links)
    {
        if (await links.DownloadAsync(token, http.RequestAborted) is not { } json)
        {
            return Gone();
        }

        http.Response.Headers.CacheControl = "no-store";
        return Results.File(json, "application/fhir+json", "questionnaire-response.json");
    }

    private static Questionnaire? Questionnaire(FormSession session, IEnumerable<IDrugPolicy> policies) =>
        policies.FirstOrDefault(p => p.Info.Id == session.PolicyId)?.Questionnaire;

    private static HtmlPage Form(HttpContext http, Questionnaire questionnaire, FormSession session, List<string> missing, int status)
    {
        var main = new StringBuilder("<h1>").Append(Encode(questionnaire.Title)).Append("</h1>\n")
            .Append("<p class=\"lede\">Prescriber attestation for the ").Append(Encode(session.OrderName))
            .Append(". Answers the chart already gives are pre-filled and say where they come from: check them, answer the rest, then sign and save.</p>\n");
        if (missing.Count > 0)
        {
            main.Append("<div class=\"notice\" role=\"alert\"><p>Please answer:</p><ul>");
            foreach (var text in missing)
            {
                main.Append("<li>").Append(Encode(text)).Append("</li>");
            }

            main.Append("</ul></div>\n");
        }

        var action = new FormAction($"{http.Request.PathBase}{http.Request.Path}", session.Nonce, "Sign and save the attestation");
        main.Append(Attestation.QuestionnaireForm.Render(questionnaire, FormItems.Prefill(questionnaire, session), FormItems.Required(questionnaire, session), action));
        return new HtmlPage(questionnaire.Title ?? "Attestation", main.ToString(), status);
    }

    private static HtmlPage Done(HttpContext http, FormSession session, WriteOutcome outcome, string download)
    {
        var next = $"Then sign the {Encode(session.OrderName)} again in the EHR: the items you attested count as met.";
        var (cls, message) = outcome switch
        {
            WriteOutcome.Written => ("done", $"Saved to the patient's record in the EHR. Sign the {Encode(session.OrderName)} again: the items you attested count as met."),
            WriteOutcome.NeedsToken => ("notice", $"Not saved to the EHR: its FHIR server needs an access token, and the one the EHR sent with the order was for that call only (this service never keeps it). Download the response and file it in the patient's record. {next}"),
            WriteOutcome.ServerNotAllowed => ("notice", $"Not saved to the EHR: its FHIR server is not one this service may write to. Download the response and file it in the patient's record. {next}"),
            WriteOutcome.Failed => ("notice", $"Not saved: the EHR's FHIR server did not accept the response. Download it and file it in the patient's record. {next}"),
            _ => ("notice", $"The order was signed without a FHIR server, so nothing was saved to the EHR. Download the response and file it in the patient's record. {next}"),
        };
        var main = new StringBuilder("<h1>Attestation signed</h1>\n<p class=\"").Append(cls).Append("\" role=\"status\">").Append(message).Append("</p>\n")
            .Append("<p><a href=\"").Append(Encode($"{http.Request.PathBase}/attestation/download/{download}")).Append("\" download=\"questionnaire-response.json\">")
            .Append("Download the QuestionnaireResponse (FHIR JSON)</a></p>\n");
        return new HtmlPage("Attestation signed", main.ToString());
    }

    internal static HtmlPage NotAccepted() =>
        new("Form not accepted", "<h1>Form not accepted</h1>\n<p>This form could not be verified. Open the link from the card again.</p>", StatusCodes.Status400BadRequest);

    internal static HtmlPage Gone() => new(
        "Link expired",
        "<h1>This link has expired or was already used</h1>\n<p>Sign the order again in the EHR to get a new prior-authorization form.</p>",
        StatusCodes.Status410Gone);
}
